//! The original design's `dashboard` CLI, on the dashboard's own code: the widget registry
//! (stable ids → the tab converters' views), charts from the same Model, the status summary,
//! and where the snapshot comes from. `cmd/dashboard/` reads the flags and prints.

pub mod charts;
pub mod registry;
pub mod source;
pub mod status;
