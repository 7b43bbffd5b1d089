//! The commented example config in assets/ parses and matches the built-in defaults.

use std::path::Path;

#[test]
fn example_config_parses() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/config.example.toml"
    ));
    let text = std::fs::read_to_string(path).expect("read example");
    let parsed = ipfs_kit::config::parse(&text, path).unwrap_or_else(|e| panic!("{e}"));
    let defaults = ipfs_kit::config::FileConfig::default();
    assert_eq!(parsed.kubo.interval, defaults.kubo.interval);
    assert_eq!(
        parsed.cluster.pin_status_every,
        defaults.cluster.pin_status_every
    );
    assert_eq!(parsed.collector.history, defaults.collector.history);
    assert_eq!(
        (
            parsed.history.max_file_bytes,
            parsed.history.keep_files,
            parsed.history.in_memory,
            parsed.history.archive_to_ipfs
        ),
        (
            defaults.history.max_file_bytes,
            defaults.history.keep_files,
            defaults.history.in_memory,
            defaults.history.archive_to_ipfs
        )
    );
}
