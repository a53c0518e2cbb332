//! SMTP sinks for the mail scenarios: one that accepts every message (as in the API tests), and
//! one that takes a message and never confirms it, so its sender hangs mid-send.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One received message: its `Message-ID` and `To` headers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Received {
    pub message_id: String,
    pub to: String,
}

impl SmtpSink {
    /// Accepts every message.
    pub async fn start() -> SmtpSink {
        SmtpSink::on(0, false).await
    }

    /// Accepts every message, on a given port (a relay coming back where the app expects it).
    pub async fn start_on(port: u16) -> SmtpSink {
        SmtpSink::on(port, false).await
    }

    /// Takes each message's data and then never answers: the sender waits for a "250" that does
    /// not come (an uncertain send).
    pub async fn start_stalling() -> SmtpSink {
        SmtpSink::on(0, true).await
    }

    async fn on(port: u16, stall: bool) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind sink");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
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
                });
            }
        });
        SmtpSink {
            port,
            messages,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far (copies included).
    pub fn received(&self) -> Vec<Received> {
        let raw = self.messages.lock().map(|m| m.clone()).unwrap_or_default();
        raw.iter().map(|m| parse(m)).collect()
    }
}

fn header<'a>(message: &'a str, name: &str) -> &'a str {
    message
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
        })
        .unwrap_or("")
}

fn parse(message: &str) -> Received {
    Received {
        message_id: header(message, "Message-ID").to_owned(),
        to: header(message, "To").to_owned(),
    }
}

/// (distinct messages, copies beyond the first) by Message-ID and recipient.
pub fn tally(received: &[Received]) -> (usize, usize) {
    let mut seen: HashMap<&Received, usize> = HashMap::new();
    for r in received {
        *seen.entry(r).or_default() += 1;
    }
    let copies = seen.values().map(|n| n - 1).sum();
    (seen.len(), copies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_tally() {
        let m = "From: a@b\nTo: r1@example.cn\nMessage-ID: <x@y>\n\nbody\nTo: nope\n";
        let r = parse(m);
        assert_eq!(r.to, "r1@example.cn");
        assert_eq!(r.message_id, "<x@y>");
        let other = Received {
            message_id: "<z@y>".into(),
            to: "r2@example.cn".into(),
        };
        assert_eq!(tally(&[r.clone(), r.clone(), other]), (2, 1));
    }
}
