//! `ipfs-kit pin add|rm CID`: through Cluster when it answers, else Kubo. With `--from FILE`
//! the bulk run in `pin_bulk`.

use super::open_history;
use crate::bulk::report::Op;
use crate::cli::PinAction;
use crate::config::Config;
use crate::locate::locate;
use crate::pins;

pub async fn run(cfg: &mut Config, action: &PinAction) -> anyhow::Result<u8> {
    let (op, cid, bulk) = match action {
        PinAction::Add { cid, bulk } => (Op::Add, cid, bulk),
        PinAction::Rm { cid, bulk } => (Op::Rm, cid, bulk),
    };
    let Some(cid) = cid.as_deref().filter(|_| bulk.from.is_none()) else {
        return super::pin_bulk::run(cfg, op, bulk).await;
    };
    locate(cfg).await;
    let ops = open_history(cfg);
    let (verb, result) = match op {
        Op::Add => ("pinned", pins::add(cfg, cid, ops.as_ref()).await),
        Op::Rm => ("unpinned", pins::remove(cfg, cid, ops.as_ref()).await),
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
