//! SMTP sinks for the mail scenarios (the tests' shared sink, `support/smtp.rs`): one that
//! accepts every message (as in the API tests), and one that takes a message and never confirms
//! it, so its sender hangs mid-send; what arrived, read by Message-ID and recipient.

use std::collections::HashMap;

pub struct SmtpSink {
    pub port: u16,
    sink: crate::smtp_sink::Sink,
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
        let sink = crate::smtp_sink::Sink::start(port, stall).await;
        SmtpSink {
            port: sink.port,
            sink,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far (copies included).
    pub fn received(&self) -> Vec<Received> {
        self.sink.raw().iter().map(|m| parse(m)).collect()
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
