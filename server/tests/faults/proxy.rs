//! A TCP proxy between the server and PostgreSQL that can stop the database in two ways:
//! black-hole (connections are accepted, nothing is answered: a hung or partitioned host) and
//! refuse (every connection is cut and new ones are refused: a stopped server).

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Forward,
    /// Accept and hold connections; relay nothing in either direction.
    BlackHole,
    /// Close every connection and stop listening (connections are refused).
    Refuse,
}

pub struct Proxy {
    pub port: u16,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        // Connections end when they see the mode sender go.
    }
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let (mode, rx) = watch::channel(Mode::Forward);
        let task = tokio::spawn(serve(listener, port, upstream, rx));
        Proxy { port, mode, task }
    }

    pub fn set(&self, mode: Mode) {
        let _ = self.mode.send(mode);
    }
}

async fn serve(
    listener: TcpListener,
    port: u16,
    upstream: SocketAddr,
    mut mode: watch::Receiver<Mode>,
) {
    let mut listener = Some(listener);
    loop {
        let current = *mode.borrow_and_update();
        match (&listener, current) {
            (Some(_), Mode::Refuse) => listener = None,
            (None, Mode::Forward | Mode::BlackHole) => {
                // Same port again, so the server's URL stays right (tokio sets SO_REUSEADDR).
                listener = TcpListener::bind(("127.0.0.1", port)).await.ok();
                if listener.is_none() {
                    return;
                }
            }
            _ => {}
        }
        match &listener {
            None => {
                if mode.changed().await.is_err() {
                    return;
                }
            }
            Some(l) => {
                tokio::select! {
                    accepted = l.accept() => {
                        if let Ok((client, _)) = accepted {
                            tokio::spawn(connection(client, upstream, mode.clone()));
                        }
                    }
                    changed = mode.changed() => {
                        if changed.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// One client connection: connects upstream only while forwarding, relays while forwarding,
/// holds still while black-holed, ends on refuse.
async fn connection(mut client: TcpStream, upstream: SocketAddr, mut mode: watch::Receiver<Mode>) {
    let mut server: Option<TcpStream> = None;
    let mut from_client = vec![0u8; 16 * 1024];
    let mut from_server = vec![0u8; 16 * 1024];
    loop {
        let current = *mode.borrow_and_update();
        match current {
            Mode::Refuse => return,
            Mode::BlackHole => {
                if mode.changed().await.is_err() {
                    return;
                }
            }
            Mode::Forward => {
                if server.is_none() {
                    match TcpStream::connect(upstream).await {
                        Ok(s) => server = Some(s),
                        Err(_) => return,
                    }
                }
                let Some(up) = server.as_mut() else { return };
                tokio::select! {
                    n = client.read(&mut from_client) => match n {
                        Ok(0) | Err(_) => return,
                        Ok(n) => if up.write_all(&from_client[..n]).await.is_err() { return },
                    },
                    n = up.read(&mut from_server) => match n {
                        Ok(0) | Err(_) => return,
                        Ok(n) => if client.write_all(&from_server[..n]).await.is_err() { return },
                    },
                    changed = mode.changed() => if changed.is_err() { return },
                }
            }
        }
    }
}
