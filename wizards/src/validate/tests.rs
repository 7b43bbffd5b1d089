//! Every validator: what it accepts, and the exact message for each kind of rejection.
//! Compiled only under `#[cfg(test)]` (see `mod tests` in validate.rs).

use super::*;

fn err<T: std::fmt::Debug>(r: Result<T, String>) -> String {
    match r {
        Ok(v) => panic!("expected a rejection, got {v:?}"),
        Err(e) => e,
    }
}

#[test]
fn entry_names() {
    assert_eq!(entry_name(" archive-s3 ").unwrap().as_str(), "archive-s3");
    assert_eq!(
        err(entry_name("")),
        "nothing was entered; expected a name of lowercase letters, digits, - and _, e.g. archive-s3"
    );
    assert_eq!(
        err(entry_name("-x")),
        "\"-x\" must start with a lowercase letter or digit; expected a name of lowercase letters, digits, - and _, e.g. archive-s3"
    );
    assert_eq!(
        err(entry_name("My.Node")),
        "\"My.Node\" must start with a lowercase letter or digit; expected a name of lowercase letters, digits, - and _, e.g. archive-s3"
    );
    assert_eq!(
        err(entry_name("my.node")),
        "\"my.node\" contains '.'; expected a name of lowercase letters, digits, - and _, e.g. archive-s3"
    );
    assert_eq!(
        err(entry_name(&"a".repeat(64))),
        format!(
            "{:?} is 64 characters long; expected at most 63",
            "a".repeat(64)
        )
    );
}

#[test]
fn name_lists() {
    let names = name_list("local, archive").unwrap();
    assert_eq!(
        names.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        ["local", "archive"]
    );
    assert_eq!(
        err(name_list("local,local")),
        "EntryName(\"local\") is listed twice; expected each name once"
    );
    assert_eq!(
        err(name_list(" ")),
        "nothing was entered; expected one or more names separated by commas, e.g. local,archive"
    );
    assert!(err(name_list("a,,b")).starts_with("nothing was entered"));
}

#[test]
fn endpoints_accept_urls_and_multiaddrs() {
    let cases = [
        ("/ip4/127.0.0.1/tcp/5001", "http://127.0.0.1:5001"),
        ("/ip6/::1/tcp/5001", "http://[::1]:5001"),
        (
            "/dns4/node.example.org/tcp/443/https",
            "https://node.example.org:443",
        ),
        (
            "/dns/node.example.org/tcp/5001/tls/http",
            "https://node.example.org:5001",
        ),
        (
            "https://node.example.org:5001/ipfs-rpc",
            "https://node.example.org:5001/ipfs-rpc",
        ),
    ];
    for (input, url) in cases {
        assert_eq!(endpoint(input).unwrap().to_url(), url, "{input}");
    }
}

#[test]
fn endpoint_rejections() {
    const WANT: &str = "expected /ip4/ADDR/tcp/PORT, /ip6/ADDR/tcp/PORT or /dns/HOST/tcp/PORT, optionally followed by /http or /https";
    assert_eq!(
        err(endpoint("")),
        "nothing was entered; expected a URL such as http://127.0.0.1:5001 or a multiaddr such as /ip4/127.0.0.1/tcp/5001"
    );
    assert_eq!(
        err(endpoint("/ip4/127.0.0.1/udp/5001")),
        format!("\"/ip4/127.0.0.1/udp/5001\" is not a TCP multiaddr; {WANT}")
    );
    assert_eq!(
        err(endpoint("/ip4/300.0.0.1/tcp/5001")),
        format!("\"300.0.0.1\" is not an IPv4 address in \"/ip4/300.0.0.1/tcp/5001\"; {WANT}")
    );
    assert_eq!(
        err(endpoint("/ip6/zz/tcp/5001")),
        format!("\"zz\" is not an IPv6 address in \"/ip6/zz/tcp/5001\"; {WANT}")
    );
    assert_eq!(
        err(endpoint("/dns/-bad-/tcp/1")),
        format!("\"-bad-\" is not a valid host name in \"/dns/-bad-/tcp/1\"; {WANT}")
    );
    assert_eq!(
        err(endpoint("/unix/x/tcp/1")),
        format!("\"unix\" is not a supported protocol in \"/unix/x/tcp/1\"; {WANT}")
    );
    assert_eq!(
        err(endpoint("/ip4/127.0.0.1/tcp/99999")),
        "port 99999 is out of range; expected 1 to 65535 (in \"/ip4/127.0.0.1/tcp/99999\")"
    );
    assert_eq!(
        err(endpoint("/ip4/127.0.0.1/tcp/5001/ws")),
        format!("\"/ip4/127.0.0.1/tcp/5001/ws\" has an unexpected ending after the port; {WANT}")
    );
    assert_eq!(
        err(endpoint("127.0.0.1:5001")),
        "\"127.0.0.1:5001\" has no scheme; expected a URL such as http://127.0.0.1:5001 or a multiaddr such as /ip4/127.0.0.1/tcp/5001 (add http:// or https://)"
    );
}

#[test]
fn http_url_rejections() {
    const WANT: &str = "a URL such as https://s3.us-east-1.amazonaws.com or http://127.0.0.1:9000";
    assert!(http_url("http://127.0.0.1:9000").is_ok());
    assert_eq!(
        err(http_url("s3.amazonaws.com")),
        format!("\"s3.amazonaws.com\" has no scheme; expected {WANT} (add http:// or https://)")
    );
    assert_eq!(
        err(http_url("ftp://x.org")),
        "\"ftp://x.org\" uses the scheme \"ftp\"; expected http or https"
    );
    assert_eq!(
        err(http_url("http://")),
        format!("\"http://\" is not a valid URL (empty host); expected {WANT}")
    );
    assert_eq!(
        err(http_url("https://user:pw@x.org")),
        "the URL contains a user name or password; remove them from the URL and give them in the credentials step"
    );
    assert_eq!(
        err(http_url("https://x.org/#top")),
        "\"https://x.org/#top\" ends with a #fragment; expected a URL without one"
    );
    assert_eq!(
        err(http_url("http://x.org:70000")),
        format!("\"http://x.org:70000\" is not a valid URL (invalid port number); expected {WANT}")
    );
}

#[test]
fn ports() {
    assert_eq!(port("5001"), Ok(5001));
    assert_eq!(
        err(port("0")),
        "port 0 is out of range; expected 1 to 65535"
    );
    assert_eq!(
        err(port("http")),
        "\"http\" is not a port number; expected a whole number from 1 to 65535"
    );
    assert_eq!(
        err(port("")),
        "nothing was entered; expected a port number from 1 to 65535"
    );
}

#[test]
fn durations() {
    assert_eq!(duration("30s").unwrap().get(), Duration::from_secs(30));
    assert_eq!(duration("1h 30m").unwrap().to_string(), "90m");
    assert_eq!(duration("7d").unwrap().to_string(), "7d");
    assert_eq!(duration("1500ms").unwrap().to_string(), "1500ms");
    assert_eq!(
        err(duration("30")),
        "\"30\" is not a duration (time unit needed, for example 30sec or 30ms); expected a number with a unit, e.g. 500ms, 30s, 5m, 2h or 7d"
    );
    assert_eq!(
        err(duration("10ms")),
        "\"10ms\" is out of range; expected from 100ms to 365d"
    );
    assert_eq!(
        err(duration("400d")),
        "\"400d\" is out of range; expected from 100ms to 365d"
    );
    assert_eq!(source_interval("OFF"), Ok(SourceInterval::Off));
    assert_eq!(source_interval("5s").unwrap().to_string(), "5s");
    assert_eq!(
        err(source_interval("never")),
        "\"never\" is not a duration (expected number at 0); expected a number with a unit, e.g. 500ms, 30s, 5m, 2h or 7d, or off to disable the source"
    );
}

#[test]
fn byte_sizes() {
    assert_eq!(byte_size("10GiB").unwrap().bytes(), 10 << 30);
    assert_eq!(byte_size("500 GB").unwrap().bytes(), 500_000_000_000);
    assert_eq!(byte_size("1.5gib").unwrap().bytes(), 3 << 29);
    assert_eq!(byte_size("0").unwrap().bytes(), 0);
    assert_eq!(byte_size("10GiB").unwrap().to_string(), "10GiB");
    assert_eq!(byte_size("500GB").unwrap().to_string(), "500GB");
    assert_eq!(byte_size("1000B").unwrap().to_string(), "1KB");
    const WANT: &str = "expected a number with a unit, e.g. 512MiB, 10GiB or 500GB";
    assert_eq!(err(byte_size("10")), format!("\"10\" has no unit; {WANT}"));
    assert_eq!(
        err(byte_size("10 gigs")),
        format!("\"gigs\" is not a size unit; {WANT}")
    );
    assert_eq!(
        err(byte_size("GiB")),
        format!("\"GiB\" is not a size; {WANT}")
    );
    assert_eq!(
        err(byte_size("1.2.3GB")),
        format!("\"1.2.3GB\" is not a size; {WANT}")
    );
    assert_eq!(
        err(byte_size("99999EB")),
        format!("\"EB\" is not a size unit; {WANT}")
    );
    assert_eq!(
        err(byte_size("99999PiB")),
        "\"99999PiB\" is too large; expected at most 16EiB"
    );
}

#[test]
fn bucket_names_follow_s3_rules() {
    const RULES: &str = "3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
    assert!(bucket_name("ipfs-archive.2024").is_ok());
    assert_eq!(
        err(bucket_name("ab")),
        format!("bucket name \"ab\" is 2 characters long; expected {RULES}")
    );
    assert_eq!(
        err(bucket_name("My_Bucket")),
        format!("bucket name \"My_Bucket\" contains 'M'; expected {RULES}")
    );
    assert_eq!(
        err(bucket_name("-bucket")),
        format!(
            "bucket name \"-bucket\" must start and end with a letter or digit; expected {RULES}"
        )
    );
    assert_eq!(
        err(bucket_name("my..bucket")),
        "bucket name \"my..bucket\" has two dots in a row; expected single dots between labels"
    );
    assert_eq!(
        err(bucket_name("192.168.5.4")),
        "bucket name \"192.168.5.4\" looks like an IP address; expected a name, e.g. ipfs-archive"
    );
    assert_eq!(
        err(bucket_name("xn--bucket")),
        "bucket name \"xn--bucket\" starts with the reserved prefix \"xn--\"; choose another name"
    );
    assert_eq!(
        err(bucket_name("data-s3alias")),
        "bucket name \"data-s3alias\" ends with the reserved suffix \"-s3alias\"; choose another name"
    );
    assert_eq!(
        err(bucket_name("")),
        format!("nothing was entered; expected {RULES}")
    );
}

#[test]
fn regions() {
    assert!(region("eu-central-1").is_ok());
    assert!(region("auto").is_ok());
    const WANT: &str =
        "expected a region code such as us-east-1 or eu-central-1 (MinIO uses us-east-1)";
    assert_eq!(
        err(region("US_EAST_1")),
        format!("\"US_EAST_1\" is not a region code; {WANT}")
    );
    assert_eq!(
        err(region("1region")),
        format!("\"1region\" is not a region code; {WANT}")
    );
    assert_eq!(
        err(region("us-east-")),
        format!("\"us-east-\" is not a region code; {WANT}")
    );
}

#[test]
fn paths() {
    assert_eq!(abs_path("/srv/ipfs").unwrap().to_string(), "/srv/ipfs");
    assert_eq!(
        err(abs_path("srv/ipfs")),
        "\"srv/ipfs\" is relative; expected an absolute path such as /var/lib/ipfs-kit"
    );
    assert_eq!(
        err(abs_path("~/ipfs")),
        "\"~/ipfs\" starts with ~, which is not expanded; write the full path, e.g. /home/you/ipfs"
    );
    assert_eq!(
        err(abs_path("/srv/../etc")),
        "\"/srv/../etc\" contains ..; expected a path without .. parts"
    );
    assert_eq!(
        err(abs_path("/a\0b")),
        "the path contains a NUL byte; expected an absolute path such as /var/lib/ipfs-kit"
    );
    assert_eq!(mfs_path("/media/").unwrap().as_str(), "/media");
    assert_eq!(mfs_path("/").unwrap().as_str(), "/");
    assert_eq!(
        err(mfs_path("media")),
        "\"media\" does not start with /; expected an MFS path such as /media or /backups/photos"
    );
    assert_eq!(
        err(mfs_path("/a//b")),
        "\"/a//b\" has an empty, . or .. part; expected an MFS path such as /media or /backups/photos"
    );
    assert_eq!(
        err(mfs_path("/a/\u{7}")),
        "\"/a/\\u{7}\" contains a control character; expected an MFS path such as /media or /backups/photos"
    );
}

#[test]
fn counts_and_numbers() {
    assert_eq!(peer_count("8"), Ok(8));
    assert_eq!(
        err(peer_count("-1")),
        "\"-1\" is not a peer count; expected a whole number from 0 to 10000"
    );
    assert_eq!(
        err(peer_count("20000")),
        "peer count 20000 is too large; expected a whole number from 0 to 10000"
    );
    assert_eq!(
        err(count("many")),
        "\"many\" is not a count; expected a whole number from 0 to 1000000"
    );
    assert_eq!(
        err(priority("70000")),
        "priority 70000 is too large; expected a whole number from 0 to 65535"
    );
    assert_eq!(
        err(weight("1.5")),
        "\"1.5\" is not a weight; expected a whole number from 0 to 65535"
    );
    assert_eq!(replicas("2"), Ok(2));
    assert_eq!(
        err(replicas("0")),
        "a replica count of 0 keeps no copy; expected 1 to 16"
    );
    assert_eq!(
        err(replicas("17")),
        "replica count 17 is too large; expected a whole number from 0 to 16"
    );
    assert_eq!(replication_factor("-1").unwrap().get(), -1);
    assert_eq!(
        err(replication_factor("0")),
        "replication factor 0 is out of range; expected a peer count from 1 to 1000, or -1 for every peer"
    );
    assert_eq!(
        err(replication_factor("all")),
        "\"all\" is not a replication factor; expected a peer count from 1 to 1000, or -1 for every peer"
    );
}

#[test]
fn percentages() {
    assert_eq!(percent("85").unwrap().get(), 85);
    assert_eq!(percent("85%").unwrap().get(), 85);
    assert_eq!(
        err(percent("120")),
        "120% is more than 100%; expected a whole number from 0 to 100, e.g. 85"
    );
    assert_eq!(
        err(percent("85.5")),
        "\"85.5\" is not a percentage; expected a whole number from 0 to 100, e.g. 85"
    );
}

#[test]
fn env_var_names() {
    assert!(env_var_name("AWS_SECRET_ACCESS_KEY").is_ok());
    assert!(env_var_name("_x1").is_ok());
    const WANT: &str =
        "expected letters, digits and _, not starting with a digit, e.g. IPFS_KIT_TOKEN";
    assert_eq!(
        err(env_var_name("MY-TOKEN")),
        format!("\"MY-TOKEN\" is not an environment variable name; {WANT}")
    );
    assert_eq!(
        err(env_var_name("1TOKEN")),
        format!("\"1TOKEN\" is not an environment variable name; {WANT}")
    );
    assert_eq!(
        err(env_var_name("$TOKEN")),
        format!("\"$TOKEN\" is not an environment variable name; {WANT}")
    );
}

#[test]
fn enums_and_flags() {
    assert_eq!(log_level("WARNING"), Ok(LogLevel::Warn));
    assert_eq!(
        err(log_level("loud")),
        "\"loud\" is not a log level; expected one of error, warn, info, debug, trace"
    );
    assert_eq!(eviction("LFU"), Ok(Eviction::Lfu));
    assert_eq!(
        err(eviction("fifo")),
        "\"fifo\" is not an eviction policy; expected lru (least recently used) or lfu (least frequently used)"
    );
    assert_eq!(boolean("yes"), Ok(true));
    assert_eq!(boolean("off"), Ok(false));
    assert_eq!(
        err(boolean("maybe")),
        "\"maybe\" is not a yes/no value; expected true or false"
    );
}

#[test]
fn identities_and_secrets() {
    assert_eq!(identity("AKIAEXAMPLE"), Ok("AKIAEXAMPLE".to_string()));
    assert_eq!(
        err(identity("two words")),
        "\"two words\" contains spaces or control characters; expected a user name or key ID without spaces"
    );
    assert_eq!(secret("hunter2").unwrap().expose(), "hunter2");
    assert_eq!(
        err(secret("")),
        "nothing was entered; expected the secret value"
    );
    assert_eq!(
        err(secret(" hunter2")),
        "the secret starts or ends with whitespace; expected it without spaces or line breaks around it"
    );
    assert_eq!(
        err(secret("hun\u{1b}ter")),
        "the secret contains a control character; expected printable characters only"
    );
}

#[test]
fn secret_rejections_never_echo_the_input() {
    for bad in [" leaked-value", "leaked-value\n", "leaked\u{7}value"] {
        assert!(!err(secret(bad)).contains("leaked"), "{bad:?}");
    }
}
