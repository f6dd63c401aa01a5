"""Servers for tests and demos, each a process on a free loopback port, stopped by its PID:
DynamoDB Local (fetched with Maven, in memory) and a moto server (the KMS and S3 APIs, from
the `moto[server]` package) for encrypted fields and values kept in S3.

```python
with DynamoDBLocal() as local:
    client = DynamoClient(endpoint_url=local.endpoint, region="us-east-1",
                          access_key_id="local", secret_access_key="local")
```

`DynamoDBLocal.fetch()` runs `mvn dependency:copy-dependencies` for `com.amazonaws:DynamoDBLocal`
(its sqlite4java native library included) into a cache folder once; `start()` launches it with
`-inMemory -disableTelemetry`, bound to 127.0.0.1 only, and waits until it answers.
`MotoServer().start()` runs `python -m moto.server` the same way. Failures raise
`DynamoDBLocalError` or `MotoServerError` with the reason and the process output: callers (a
test session, `make demo`) fail loudly rather than skip.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = ["DynamoDBLocal", "DynamoDBLocalError", "MotoServer", "MotoServerError"]

VERSION = "2.6.1"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.dynomodel</groupId>
  <artifactId>dynamodb-local-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>com.amazonaws</groupId>
      <artifactId>DynamoDBLocal</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""

# DynamoDB Local has no option for the listening address and binds every interface; this
# launcher builds the same server and points its connector at 127.0.0.1 before starting it.
_LAUNCHER = """
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class LoopbackDynamoDBLocal {
    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        java.lang.reflect.Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        for (Connector connector : server.getConnectors()) {
            ((ServerConnector) connector).setHost("127.0.0.1");
        }
        proxy.start();
        System.out.println("dynamodb-local listening");
        proxy.join();
    }
}
"""


class ServerError(RuntimeError):
    """A server for tests could not be started; the message says why."""


class DynamoDBLocalError(ServerError):
    """DynamoDB Local could not be fetched or started; the message says why."""


class MotoServerError(ServerError):
    """The moto server could not be started; the message says why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server:
    """A server process on a free loopback port: started, waited for until it answers, stopped
    by its PID. Subclasses say what to run and what its errors are called."""

    name = "server"
    error: type[ServerError] = ServerError

    def __init__(self, log: Path, startup_timeout: float) -> None:
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log = log

    @property
    def endpoint(self) -> str:
        """`http://127.0.0.1:<port>` of the running server."""
        if self.port is None:
            raise self.error(f"{self.name} is not running")
        return f"http://127.0.0.1:{self.port}"

    def _command(self, port: int) -> list[str]:
        raise NotImplementedError

    def _ready_path(self) -> str:
        """What to GET to know the server is up (any HTTP answer will do)."""
        return "/"

    def start(self) -> str:
        """Start on a free loopback port and wait until it answers; the endpoint."""
        command = self._command(port := _free_port())
        self.port = port
        self._log.parent.mkdir(parents=True, exist_ok=True)
        log = self._log.open("wb")
        try:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        except OSError as error:
            raise self.error(f"could not start {self.name}: {error}") from error
        finally:
            log.close()
        self._wait_until_ready()
        return self.endpoint

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise self.error(
                    f"{self.name} exited with {self._process.returncode}:\n{self._output()}"
                )
            try:
                urllib.request.urlopen(self.endpoint + self._ready_path(), timeout=1).close()
                return
            except urllib.error.HTTPError:
                return  # it answers (with an error to a bare GET): it is up
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise self.error(
            f"{self.name} did not answer on {self.endpoint} within {self.startup_timeout}s:\n"
            + self._output()
        )

    def _output(self) -> str:
        try:
            return self._log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the process this object started (by its PID) and wait for it."""
        process, self._process = self._process, None
        self.port = None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def default_cache() -> Path:
    """`$DYNOMODEL_CACHE/dynamodb-local`, else `~/.cache/dynomodel/dynamodb-local`."""
    root = os.environ.get("DYNOMODEL_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "dynomodel"
    return base / "dynamodb-local"


class DynamoDBLocal(_Server):
    """One DynamoDB Local process on a free loopback port, in memory.

    Args:
        cache: where the jars and the compiled launcher are kept (see `default_cache`).
        version: the `com.amazonaws:DynamoDBLocal` version to fetch.
        startup_timeout: seconds to wait for the server to answer.
    """

    name = "DynamoDB Local"
    error = DynamoDBLocalError

    def __init__(
        self, cache: Path | None = None, *, version: str = VERSION, startup_timeout: float = 60
    ) -> None:
        self.cache = (cache or default_cache()) / version
        self.version = version
        super().__init__(self.cache / "server.log", startup_timeout)

    def fetch(self) -> Path:
        """Download DynamoDB Local with Maven unless the cache has it; returns the jar folder."""
        lib = self.cache / "lib"
        if (lib / f"DynamoDBLocal-{self.version}.jar").exists():
            return lib
        self.cache.mkdir(parents=True, exist_ok=True)
        (self.cache / "pom.xml").write_text(_POM.format(version=self.version))
        command = ["mvn", "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={lib}"]
        try:
            result = subprocess.run(
                command, cwd=self.cache, capture_output=True, text=True, timeout=900, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise DynamoDBLocalError(
                f"could not run Maven to fetch DynamoDB Local: {error}"
            ) from error
        if result.returncode != 0:
            raise DynamoDBLocalError(
                f"Maven could not fetch com.amazonaws:DynamoDBLocal:{self.version}:\n"
                + result.stdout[-4000:]
                + result.stderr[-4000:]
            )
        return lib

    def _launcher(self, lib: Path) -> Path:
        classes = self.cache / "launcher"
        if (classes / "LoopbackDynamoDBLocal.class").exists():
            return classes
        classes.mkdir(parents=True, exist_ok=True)
        source = classes / "LoopbackDynamoDBLocal.java"
        source.write_text(_LAUNCHER)
        result = subprocess.run(
            ["javac", "-cp", f"{lib}/*", "-d", str(classes), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise DynamoDBLocalError(f"could not compile the loopback launcher:\n{result.stderr}")
        return classes

    def _command(self, port: int) -> list[str]:
        lib = self.fetch()
        classes = self._launcher(lib)
        return [
            "java",
            f"-Djava.library.path={lib}",
            "-cp",
            f"{classes}{os.pathsep}{lib}/*",
            "LoopbackDynamoDBLocal",
            "-inMemory",
            "-disableTelemetry",
            "-port",
            str(port),
        ]


class MotoServer(_Server):
    """A moto server (`python -m moto.server`, from `moto[server]`) on a free loopback port:
    the KMS and S3 APIs (and the rest of what moto serves) for tests of encrypted fields and
    values kept in S3. Its state lives in the process and goes with it.

    Args:
        log: where the server's output goes (a temporary file by default).
        startup_timeout: seconds to wait for the server to answer.
    """

    name = "the moto server"
    error = MotoServerError

    def __init__(self, log: Path | None = None, *, startup_timeout: float = 60) -> None:
        if log is None:
            log = Path(tempfile.mkdtemp(prefix="dynomodel-moto-")) / "server.log"
        super().__init__(log, startup_timeout)

    def _command(self, port: int) -> list[str]:
        if importlib.util.find_spec("moto") is None:
            raise MotoServerError("moto is not installed: pip install 'moto[server]'")
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]

    def _ready_path(self) -> str:
        return "/moto-api/"


def main(argv: list[str]) -> int:
    """`python -m dynomodel.testing SCRIPT [ARGS]`: run a script against a fresh DynamoDB Local
    (what `make demo` does), with `AWS_ENDPOINT_URL_DYNAMODB` and dummy credentials set."""
    if not argv:
        print("usage: python -m dynomodel.testing SCRIPT [ARGS...]", file=sys.stderr)
        return 2
    with DynamoDBLocal() as local:
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL_DYNAMODB": local.endpoint,
            "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
            "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
        }
        return subprocess.run([sys.executable, *argv], env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
