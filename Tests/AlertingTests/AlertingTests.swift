// Tests for alerts, budgets and webhooks (issue 8): rules with an injected clock, exactly-once
// threshold alerts under concurrent ingests, the scheduler's advisory lock, signed deliveries.
import Alerting
import TallyWebTestSupport
import Testing
