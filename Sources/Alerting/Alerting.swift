/// Alerts: budget thresholds crossed at ingest (inside the ingest transaction), the scheduled
/// rules (cost spikes, low margins) guarded by an advisory lock, and webhook deliveries kept in
/// the database so a restart loses none.
public enum Alerting {}
