package dev.lifeboat.agent.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.testing.FaultProxy;
import dev.lifeboat.testing.FaultProxy.Fault;
import dev.lifeboat.testing.FaultProxy.Kind;
import dev.lifeboat.testing.S3ProxyServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every S3 call gets the same number of attempts, however many calls failed before it. */
class RetryBudgetTest {
  @TempDir
  Path dir;

  @Test
  void callsAfterManyFailedOnesStillGetEveryAttempt() throws Exception {
    // 30 calls failing all their attempts need 120 retries: more than the SDK's retry token
    // bucket (500 tokens, 5 a retry) grants a client before it stops retrying altogether.
    int calls = 30;
    try (S3ProxyServer server = S3ProxyServer.start(dir);
        FaultProxy proxy = new FaultProxy(server.port(), 1);
        S3Store store = new S3Store(new S3Options(proxy.endpoint(), S3ProxyServer.REGION, true, null, null),
            S3Location.parse(server.repository("repo")), server.credentials())) {
      proxy.inject(1.0, Set.of(Kind.LIST), Set.of(Fault.DROP_BEFORE_REQUEST));
      ExecutorService callers = Executors.newFixedThreadPool(calls);
      try {
        List<Future<?>> failed = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          failed.add(callers.submit(() -> store.list("repo/")));
        }
        for (Future<?> call : failed) {
          assertThatThrownBy(call::get).hasCauseInstanceOf(RepositoryException.class);
        }
      } finally {
        callers.shutdownNow();
      }
      assertThat(proxy.requests(Kind.LIST)).isEqualTo(calls * S3Clients.MAX_ATTEMPTS);
    }
  }
}
