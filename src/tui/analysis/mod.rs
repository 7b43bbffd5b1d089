//! The Audit tab's analysis, off the render path: `view` (the query and the computed view
//! the model holds), `input` (which history files, read how), `compute` (Index + query →
//! view) and `worker` (the thread that loads, watches the files and computes).

pub mod compute;
pub mod input;
pub mod view;
pub mod worker;

pub use view::{AuditQuery, AuditRange, AuditView, SelectedOp};
pub use worker::{Report, Setup, Worker};
