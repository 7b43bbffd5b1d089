//! The fleet: remote ipfs-kit daemons (`[[fleet.nodes]]`, or `--connect` repeated) watched
//! side by side. `config` reads the section, `row` is what a node's line shows (pure),
//! `watch` follows every node at once.

pub mod config;
pub mod row;
pub mod watch;

pub use config::{FleetNode, FleetSection};
pub use row::{FleetRow, FleetSort, Reach};
pub use watch::{Fleet, NodeFeed};
