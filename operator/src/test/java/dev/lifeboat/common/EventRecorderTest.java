package dev.lifeboat.common;

import static dev.lifeboat.testing.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MutableClock;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
  KubernetesClient client;
  final MutableClock clock = new MutableClock(Instant.parse("2025-11-09T02:00:00Z"));

  BackupPolicy policy() {
    BackupPolicy policy = Fixtures.dailyPolicy();
    policy.getMetadata().setUid("uid-1");
    return policy;
  }

  List<Event> events() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems();
  }

  @Test
  void theSameEventAgainIsCountedOnTheFirstNotWrittenAnew() {
    EventRecorder recorder = new EventRecorder(client, clock);
    recorder.warning(policy(), "BackupFailed", "backup failed: access denied");
    clock.advance(Duration.ofMinutes(5));
    recorder.warning(policy(), "BackupFailed", "backup failed: access denied");
    recorder.warning(policy(), "BackupFailed", "backup failed: no such bucket");

    assertThat(events()).hasSize(2);
    assertThat(events()).filteredOn(e -> e.getMessage().endsWith("access denied")).singleElement().satisfies(e -> {
      assertThat(e.getCount()).isEqualTo(2);
      assertThat(e.getFirstTimestamp()).isEqualTo("2025-11-09T02:00:00Z");
      assertThat(e.getLastTimestamp()).isEqualTo("2025-11-09T02:05:00Z");
    });
  }

  @Test
  void anExpiredEventIsWrittenAgain() {
    EventRecorder recorder = new EventRecorder(client, clock);
    recorder.warning(policy(), "BackupFailed", "backup failed: access denied");
    client.v1().events().inNamespace(NAMESPACE).delete(); // what the API server's TTL does after an hour

    recorder.warning(policy(), "BackupFailed", "backup failed: access denied");

    assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  static List<io.fabric8.kubernetes.api.model.Condition> overdue(String status, String reason) {
    return List.of(new ConditionBuilder().withType("BackupOverdue").withStatus(status).withReason(reason)
        .withMessage("newest successful backup is 27h old").build());
  }

  @Test
  void transitionsAreAnnouncedOnceEachWayAndUnknownOrAFirstGoodStateAreNot() {
    ConditionEvents transitions = new ConditionEvents(
        Map.of("BackupOverdue", new ConditionEvents.Watched(Conditions.TRUE, Set.of())), new EventRecorder(client, clock));

    transitions.announce(policy(), null, overdue("False", "NoBackupYet"));
    transitions.announce(policy(), overdue("False", "NoBackupYet"), overdue("True", "NeverBackedUp"));
    transitions.announce(policy(), overdue("True", "NeverBackedUp"), overdue("True", "NeverBackedUp"));
    transitions.announce(policy(), overdue("True", "NeverBackedUp"), overdue("False", "WithinMaxAge"));
    transitions.announce(policy(), overdue("False", "WithinMaxAge"), overdue("Unknown", "Whatever"));

    assertThat(events()).extracting(Event::getType, Event::getReason).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("Warning", "NeverBackedUp"),
        org.assertj.core.groups.Tuple.tuple("Normal", "WithinMaxAge"));
    assertThat(events()).filteredOn(e -> e.getReason().equals("NeverBackedUp")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).isEqualTo("BackupOverdue True: newest successful backup is 27h old"));
  }
}
