//! A small TCP proxy for fault tests: it passes traffic, refuses it, black-holes it or slows it,
//! switchable while connections are open. Loopback only.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Pass,
    /// New connections are closed at once; open ones are cut at their next byte.
    Refuse,
    /// Bytes go in and nothing comes back.
    BlackHole,
    /// Every chunk waits this long.
    Delay(Duration),
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    mode: Arc<Mutex<Fault>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(Mutex::new(Fault::Pass));
        let m = mode.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mode = m.clone();
                tokio::spawn(async move {
                    let current = *mode.lock().unwrap();
                    match current {
                        Fault::Refuse => {}
                        Fault::BlackHole => swallow(client).await,
                        Fault::Pass | Fault::Delay(_) => {
                            let Ok(server) = TcpStream::connect(upstream).await else {
                                return;
                            };
                            let (cr, cw) = client.into_split();
                            let (sr, sw) = server.into_split();
                            tokio::select! {
                                _ = pump(cr, sw, mode.clone()) => {}
                                _ = pump(sr, cw, mode) => {}
                            }
                        }
                    }
                });
            }
        });
        Self { addr, mode, task }
    }

    pub fn set(&self, fault: Fault) {
        *self.mode.lock().unwrap() = fault;
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn swallow(mut s: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {}
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<Mutex<Fault>>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let current = *mode.lock().unwrap();
        match current {
            Fault::Pass => {}
            Fault::Refuse => return,
            Fault::BlackHole => {
                // Keep reading so the peer never sees a close, and forward nothing.
                while matches!(from.read(&mut buf).await, Ok(n) if n > 0) {}
                return;
            }
            Fault::Delay(d) => tokio::time::sleep(d).await,
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
