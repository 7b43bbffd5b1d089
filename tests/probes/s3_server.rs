//! A real S3-compatible server for the probe tests: s3s-fs (installed by
//! scripts/install-test-tools.sh) on a free loopback port, serving a temp directory in which
//! every subdirectory is a bucket, with known keys. Stopped on drop, panics included.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ipfs_kit::supervisor::ports::free_port;
use ipfs_kit::supervisor::process::DaemonProcess;
use ipfs_kit::supervisor::tools::tools_dir;

pub const ACCESS_KEY: &str = "ipfskit-test-access";
pub const SECRET_KEY: &str = "ipfskit-test-SECRET-0123456789";

pub struct S3Server {
    pub endpoint: String,
    data: PathBuf,
    _proc: DaemonProcess,
    _dir: tempfile::TempDir,
}

impl S3Server {
    pub fn start() -> S3Server {
        let bin = find_bin();
        let dir = tempfile::Builder::new()
            .prefix("ipfs-kit-s3-")
            .tempdir()
            .expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("mkdir data");
        let port = free_port().expect("free port");
        let mut cmd = Command::new(&bin);
        cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&data)
            .env("RUST_LOG", "s3s_fs=info");
        let mut proc = DaemonProcess::spawn("s3s-fs", cmd, &dir.path().join("s3s-fs.log"))
            .unwrap_or_else(|e| panic!("start s3s-fs: {e}"));
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Err(e) = proc.check_alive() {
                panic!("s3s-fs exited: {e}\n{}", proc.log_tail(20));
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "s3s-fs did not listen on port {port} within 30 s:\n{}",
                proc.log_tail(20)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            data,
            _proc: proc,
            _dir: dir,
        }
    }

    /// s3s-fs keeps a bucket as a directory under its root.
    pub fn create_bucket(&self, name: &str) {
        std::fs::create_dir(self.data.join(name)).expect("create bucket directory");
    }
}

fn find_bin() -> PathBuf {
    let dir = tools_dir();
    let in_dir = dir
        .as_deref()
        .map(|d| d.join("s3s-fs"))
        .filter(|p| p.is_file());
    let on_path = || {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("s3s-fs"))
                .find(|p| p.is_file())
        })
    };
    in_dir.or_else(on_path).unwrap_or_else(|| {
        panic!(
            "the probe tests need the s3s-fs S3 server, not found in {} or PATH; \
             install it with scripts/install-test-tools.sh",
            dir.as_deref()
                .map_or("(no cache dir)".into(), |d: &Path| d.display().to_string())
        )
    })
}
