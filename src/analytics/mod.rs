//! The binary's side of the audit analytics (the pure computation is the `ipfs-kit-audit`
//! crate): where events are read from and the `[audit]` config section.

mod config;
pub mod input;

pub use config::AuditSection;
pub use input::{Source, default_sources, load};
