//! A real SMTP server on loopback for the tests: keeps the text of every message it is sent.
//! Shared by the test crates (`#[path = "…/support/smtp.rs"] mod smtp_sink;`); each reads the
//! messages its own way.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The server; stopped when dropped.
pub struct Sink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    /// Listens on `port` (0: any free one). `stall`: takes each message's data and then never
    /// answers, so its sender waits for a "250" that does not come (an uncertain send).
    pub async fn start(port: u16, stall: bool) -> Sink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind sink");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, store.clone(), stall));
            }
        });
        Sink {
            port,
            messages,
            task,
        }
    }

    /// Every message received so far (copies included), as sent.
    pub fn raw(&self) -> Vec<String> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// One client's conversation: every command is accepted; a message's data is kept.
async fn session(stream: tokio::net::TcpStream, store: Arc<Mutex<Vec<String>>>, stall: bool) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
    let mut in_data = false;
    let mut data = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if in_data {
            if line == "." {
                in_data = false;
                if let Ok(mut m) = store.lock() {
                    m.push(std::mem::take(&mut data));
                }
                if stall {
                    // Keep the connection open and say nothing.
                    std::future::pending::<()>().await;
                }
                let _ = write.write_all(b"250 queued\r\n").await;
            } else {
                data.push_str(&line);
                data.push('\n');
            }
            continue;
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 sink\r\n",
            "DATA" => {
                in_data = true;
                b"354 go ahead\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                break;
            }
            _ => b"250 ok\r\n",
        };
        let _ = write.write_all(reply).await;
    }
}
