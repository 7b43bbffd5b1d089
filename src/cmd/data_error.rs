//! Input the command was given that it cannot use (an unknown event id, a broken policy, a
//! tampered archive): `main` maps it to exit 65 (EX_DATAERR).

/// The message says what was wrong, where, and how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);
