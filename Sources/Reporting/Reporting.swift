/// Read models for Tally's pages: what the customer portal and the admin area show, computed in
/// SQL over the rollups (`daily_usage`, `period_usage`) and the catalog, in the caller's data scope.
///
/// Each page gets one type here that answers one question ("the dashboard of an account", "the
/// margins of a period") with plain values; the web layer turns them into view models. Nothing
/// here writes.
public enum Reporting {}
