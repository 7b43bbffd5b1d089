//! Typed config sections, validators and the step machine behind ipfs-kit's setup wizards.
//!
//! Knows nothing of the TUI: the binary hands it a prompter and a connection probe. The wizard
//! issue fills it in.
