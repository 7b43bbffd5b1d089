//! Who runs ipfs-kit and which run this is.

use chrono::Utc;

/// The OS user name: the passwd entry of the real uid, else `$USER`, else the uid itself.
pub fn os_user() -> String {
    let uid = nix::unistd::getuid();
    if let Ok(Some(user)) = nix::unistd::User::from_uid(uid) {
        return user.name;
    }
    match std::env::var("USER") {
        Ok(u) if !u.is_empty() => u,
        _ => format!("uid:{uid}"),
    }
}

/// A session id unique enough across runs without a random source: start time to the
/// microsecond plus the pid.
pub fn new_session_id() -> String {
    let now = Utc::now();
    format!(
        "{}-{}",
        now.format("%Y%m%dT%H%M%S%.6fZ"),
        std::process::id()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_session_are_filled() {
        assert!(!os_user().is_empty());
        let s = new_session_id();
        assert!(s.ends_with(&format!("-{}", std::process::id())), "{s}");
    }
}
