//! The `[audit]` config section: the compliance policy and what counts as off-hours.

use std::path::PathBuf;

use serde::Deserialize;

/// `[audit]`: inputs of `ipfs-kit audit-analytics` and the dashboard's Audit tab.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSection {
    /// A compliance policy (TOML, see assets/audit-policy.example.toml); the built-in example
    /// policy is used when unset.
    pub policy: Option<PathBuf>,
    /// Off-hours are from `off_hours_start` to `off_hours_end` (local hours, 0-23; wraps
    /// over midnight).
    pub off_hours_start: u8,
    pub off_hours_end: u8,
}

impl Default for AuditSection {
    fn default() -> Self {
        AuditSection {
            policy: None,
            off_hours_start: 22,
            off_hours_end: 6,
        }
    }
}

impl AuditSection {
    /// `None` when both hours are valid, else what is wrong.
    pub fn check(&self) -> Option<String> {
        (self.off_hours_start > 23 || self.off_hours_end > 23).then(|| {
            format!(
                "[audit] off_hours_start/off_hours_end must be hours 0-23 (got {} and {})",
                self.off_hours_start, self.off_hours_end
            )
        })
    }
}
