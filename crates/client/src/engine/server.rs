//! [`Server`]: an engine served over HTTP on loopback, for SDKs in other processes.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::Engine;
use crate::{Error, ErrorKind};

/// A running HTTP server of one engine on 127.0.0.1; [`Server::stop`] shuts it down.
#[derive(Debug)]
pub struct Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), String>>>,
}

impl Server {
    /// Serve `engine` on 127.0.0.1:`port` (0: a free port) from the current tokio runtime.
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] when the port is taken or cannot be bound.
    pub async fn start(engine: &Engine, port: u16) -> Result<Self, Error> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| bind_error(port, &e))?;
        let address = listener.local_addr().map_err(|e| bind_error(port, &e))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            // A dropped sender stops the server too.
            let _ = stopped.await;
        };
        let database = engine.database.clone();
        let task = tokio::spawn(dynoxide::server::serve_with_shutdown(
            listener, database, shutdown,
        ));
        Ok(Self {
            address,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Its endpoint, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stop accepting connections, let the requests under way finish, and wait until the
    /// server has let go of the engine (a file's last write is then complete).
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] if the server failed while running.
    pub async fn stop(&mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        match task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(ErrorKind::Configuration { message }.into()),
            Err(joined) => Err(ErrorKind::Configuration {
                message: format!("the server stopped abnormally: {joined}"),
            }
            .into()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn bind_error(port: u16, error: &io::Error) -> Error {
    let message = if error.kind() == io::ErrorKind::AddrInUse {
        format!("port {port} on 127.0.0.1 is in use: choose another port, or 0 for a free one")
    } else {
        format!("cannot listen on 127.0.0.1:{port}: {error}")
    };
    ErrorKind::Configuration { message }.into()
}
