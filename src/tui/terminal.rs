//! Terminal setup and teardown: raw mode, alternate screen, mouse capture, hidden cursor, and
//! their undoing on every way out (quit, error, panic, signals).

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{
    cursor,
    event::{DisableMouseCapture, EnableMouseCapture},
    execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};
use ratatui::{Terminal, backend::CrosstermBackend};

/// The backend the dashboard draws with: stdout behind a buffer, flushed once per frame.
pub type Backend = CrosstermBackend<BufWriter<Stdout>>;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();
/// Woken by the panic hook: a panic in a background task is caught by tokio, but the hook has
/// already given the terminal back, so the dashboard must end rather than draw on.
static PANICKED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Resolves once a panic has happened on any thread since the dashboard started.
pub async fn panicked() {
    PANICKED.notified().await;
}

/// Owns the terminal while the dashboard runs; dropping it restores the terminal.
pub struct TerminalGuard {
    pub terminal: Terminal<Backend>,
}

impl TerminalGuard {
    /// Switches the terminal to the dashboard's modes. On error the terminal is restored.
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let setup = (|| {
            execute!(
                io::stdout(),
                EnterAlternateScreen,
                EnableMouseCapture,
                cursor::Hide,
                terminal::Clear(terminal::ClearType::All)
            )?;
            let backend = CrosstermBackend::new(BufWriter::with_capacity(64 * 1024, io::stdout()));
            // Not `Terminal::clear`: it asks the terminal where the cursor is and waits for
            // the answer (up to 2 s on a terminal that never answers).
            Terminal::new(backend)
        })();
        match setup {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// Lends the terminal to a line-mode program (a wizard): raw mode and mouse capture off,
    /// cursor shown, on a cleared alternate screen, so the shell's screen underneath stays as
    /// the user left it. The guard stays armed: a panic meanwhile still restores everything.
    pub fn suspend(&mut self) -> io::Result<()> {
        self.terminal.backend_mut().flush()?;
        execute!(
            io::stdout(),
            DisableMouseCapture,
            terminal::Clear(terminal::ClearType::All),
            cursor::MoveTo(0, 0),
            cursor::Show
        )?;
        terminal::disable_raw_mode()
    }

    /// Takes the terminal back after `suspend`; the next draw repaints every cell. Returns
    /// the terminal's size (it may have changed meanwhile).
    pub fn resume(&mut self) -> io::Result<ratatui::layout::Size> {
        terminal::enable_raw_mode()?;
        execute!(io::stdout(), EnableMouseCapture, cursor::Hide)?;
        // `resize` clears the screen and forgets the last frame without asking the terminal
        // where its cursor is (which `Terminal::clear` does).
        let size = self.terminal.size()?;
        self.terminal.resize(size.into())?;
        Ok(size)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.backend_mut().flush();
        restore();
    }
}

/// Puts the terminal back as it was: safe to call more than once and from the panic hook.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    // Each step on its own: one failing (a closed terminal) must not skip the others.
    let _ = execute!(out, DisableMouseCapture);
    let _ = execute!(out, LeaveAlternateScreen);
    let _ = execute!(out, cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal before the default hook prints the panic, so it is readable; logs it
/// and tells the event loop (`panicked`).
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            tracing::error!("panic: {info}");
            previous(info);
            PANICKED.notify_one();
        }));
    });
}
