//! Wizard tests driven by the scripted prompter: no terminal needed.

mod backend;
mod common;
mod config;
mod monitoring;
mod non_interactive;
mod templates;
mod vfs;
