//! `ipfs-kit pin add|rm CID`: through Cluster when it answers, else Kubo.

use super::open_history;
use crate::cli::PinAction;
use crate::config::Config;
use crate::locate::locate;
use crate::pins;

pub async fn run(cfg: &mut Config, action: &PinAction) -> anyhow::Result<u8> {
    locate(cfg).await;
    let ops = open_history(cfg);
    let (verb, result) = match action {
        PinAction::Add { cid } => ("pinned", pins::add(cfg, cid, ops.as_ref()).await),
        PinAction::Rm { cid } => ("unpinned", pins::remove(cfg, cid, ops.as_ref()).await),
    };
    match result {
        Ok(via) => {
            crate::say!("ipfs-kit: {verb} through {}", via.as_str());
            Ok(0)
        }
        Err(e) => {
            crate::say!("ipfs-kit: {e}");
            Ok(1)
        }
    }
}
