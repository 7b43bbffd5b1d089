//! `ipfs-kit completions bash|zsh|fish` and `ipfs-kit man`: generated from the clap
//! definitions (clap_complete, clap_mangen), so they always match the command line.

use std::io::Write;

use anyhow::Context as _;
use clap::CommandFactory;

use crate::cli::Cli;

/// The shells `completions` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// The completion script on stdout.
pub fn completions(shell: Shell) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "ipfs-kit", &mut out);
    if shell == clap_complete::Shell::Bash {
        out = fix_bash_hyphen(&out).into_bytes();
    }
    write(&out)
}

/// clap_complete's bash script spells a subcommand's state `ipfs__kit__subcmd__X` where it
/// dispatches and `ipfs__subcmd__kit__subcmd__X` where it matches (the bin name's hyphen
/// escaped twice), so nothing after the first word ever completed: clap-rs/clap#6421, open.
/// The match arms are spelled the way the dispatch spells them.
fn fix_bash_hyphen(script: &[u8]) -> String {
    String::from_utf8_lossy(script).replace("ipfs__subcmd__kit__", "ipfs__kit__")
}

/// The man page (roff) on stdout: ipfs-kit(1) with every subcommand's synopsis and options
/// in its SUBCOMMANDS section. `man -l <(ipfs-kit man)` reads it.
pub fn man() -> anyhow::Result<u8> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    let page = clap_mangen::Man::new(cmd.clone());
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    render_subcommands(&mut out, &cmd, "ipfs-kit")?;
    page.render_version_section(&mut out)?;
    page.render_extra_section(&mut out)?;
    let roff = String::from_utf8(out).context("clap_mangen wrote non-UTF-8 roff")?;
    write(ascii_roff(&roff).as_bytes())
}

/// Every subcommand (nested ones too) as a subsection: its synopsis, about and options, the
/// way clap_mangen renders a page of its own.
fn render_subcommands(out: &mut Vec<u8>, cmd: &clap::Command, path: &str) -> anyhow::Result<()> {
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .collect();
    if subs.is_empty() {
        return Ok(());
    }
    if path == "ipfs-kit" {
        out.extend_from_slice(b".SH SUBCOMMANDS\n");
    }
    for sub in subs {
        let name = format!("{path} {}", sub.get_name());
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|s| s.to_string())
            .unwrap_or_default();
        out.extend_from_slice(format!(".SS \"{}\"\n", name.replace('"', "")).as_bytes());
        out.extend_from_slice(escape(&about).as_bytes());
        out.push(b'\n');
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        let mut opts = Vec::new();
        page.render_options_section(&mut opts)?;
        // Its own OPTIONS heading would end the SUBCOMMANDS section: a paragraph instead.
        let opts = String::from_utf8(opts).context("clap_mangen wrote non-UTF-8 roff")?;
        out.extend_from_slice(opts.replacen(".SH OPTIONS", ".PP\nOptions:", 1).as_bytes());
        render_subcommands(out, sub, &name)?;
    }
    Ok(())
}

/// Plain text as a roff paragraph: a leading `.` or `'` would be read as a request.
fn escape(text: &str) -> String {
    text.replace('\\', "\\e")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else if l.is_empty() {
                ".PP".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Non-ASCII characters (the help's dashes, arrows, ellipses) as groff's `\[uXXXX]`
/// escapes: troff reads its input as Latin-1 unless preconv runs first (`man` runs it,
/// plain `groff` does not).
fn ascii_roff(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for c in roff.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// Generated text, not terminal text: written as it is.
fn write(bytes: &[u8]) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(0)
}
