package dev.lifeboat.sandbox;

import static dev.lifeboat.sandbox.ApiServerStandIn.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lists and watches select by field as the API server's do, so kubectl describe shows only its object's Events. */
class FieldSelectingDispatcherTest {
  @RegisterExtension
  final ApiServerStandIn api = new ApiServerStandIn();



  private void event(String name, String kind, String object, String uid, String type, String reason) {
    api.client().v1().events().inNamespace("rose").resource(new EventBuilder()
        .withNewMetadata().withName(name).withNamespace("rose").endMetadata()
        .withNewInvolvedObject().withApiVersion("lifeboat.dev/v1alpha1").withKind(kind).withNamespace("rose")
        .withName(object).withUid(uid).endInvolvedObject()
        .withType(type).withReason(reason).withMessage(reason).build()).create();
  }

  /** An Event of events.k8s.io/v1 (the mock stores it apart from core v1 Events; a cluster shares one store). */
  private void regarding(String name, String kind, String object) {
    api.client().events().v1().events().inNamespace("rose").resource(new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
        .withNewMetadata().withName(name).withNamespace("rose").endMetadata()
        .withNewRegarding().withKind(kind).withNamespace("rose").withName(object).endRegarding()
        .withType("Normal").withReason("Seen").withNote("seen").withEventTime(new io.fabric8.kubernetes.api.model.MicroTime(
            "2026-01-01T00:00:00.000000Z")).withAction("Seen").withReportingController("lifeboat.dev/operator")
        .withReportingInstance("lifeboat").build()).create();
  }

  private List<String> names(HttpResponse<String> list) {
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    return StreamSupport.stream(json(list).path("items").spliterator(), false)
        .map(item -> item.path("metadata").path("name").asText()).toList();
  }

  private static String selector(String selector) {
    return URLEncoder.encode(selector, StandardCharsets.UTF_8);
  }

  @Test
  void describeListsOnlyTheEventsOfTheObjectItDescribes() {
    event("a.1", "BackupPolicy", "rose-memory", "uid-a", "Normal", "BackupSucceeded");
    event("a.2", "BackupPolicy", "rose-memory", "uid-a", "Warning", "BackupFailed");
    event("old.1", "BackupPolicy", "rose-memory", "uid-old", "Normal", "BackupSucceeded");
    event("b.1", "BackupPolicy", "rose-notes", "uid-b", "Normal", "BackupSucceeded");
    event("r.1", "RestoreRequest", "rose-memory", "uid-r", "Normal", "Restored");
    regarding("new.1", "RestoreRequest", "rose-memory");
    regarding("new.2", "BackupPolicy", "rose-memory");

    // kubectl describe bp/rose-memory asks exactly this.
    assertThat(names(api.get("/api/v1/namespaces/rose/events?fieldSelector=" + selector(
        "involvedObject.name=rose-memory,involvedObject.namespace=rose,involvedObject.kind=BackupPolicy,"
            + "involvedObject.uid=uid-a") + "&limit=500"))).containsExactlyInAnyOrder("a.1", "a.2");
    assertThat(names(api.get("/api/v1/namespaces/rose/events?fieldSelector=" + selector("type!=Normal"))))
        .containsExactly("a.2");
    assertThat(names(api.get("/api/v1/events?fieldSelector=" + selector("reason==BackupSucceeded,involvedObject.uid!=uid-old"))))
        .containsExactlyInAnyOrder("a.1", "b.1");
    assertThat(names(api.get("/apis/events.k8s.io/v1/namespaces/rose/events?fieldSelector="
        + selector("regarding.name=rose-memory,regarding.kind=RestoreRequest")))).containsExactly("new.1");
  }

  @Test
  void everyKindSelectsByNameAndNamespace() {
    event("a.1", "BackupPolicy", "rose-memory", "uid-a", "Normal", "BackupSucceeded");
    event("b.1", "BackupPolicy", "rose-notes", "uid-b", "Normal", "BackupSucceeded");
    assertThat(names(api.get("/api/v1/events?fieldSelector=" + selector("metadata.name=b.1,metadata.namespace=rose"))))
        .containsExactly("b.1");
    assertThat(names(api.get("/api/v1/events?fieldSelector=" + selector("metadata.namespace!=rose")))).isEmpty();
  }

  @Test
  void aFieldTheKindDoesNotHaveIsRefusedAsTheApiServerRefusesIt() {
    HttpResponse<String> answer = api.get("/apis/lifeboat.dev/v1alpha1/namespaces/rose/backuppolicies?fieldSelector="
        + selector("spec.schedule=daily"));
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json(answer).path("reason").asText()).isEqualTo("BadRequest");
    assertThat(json(answer).path("message").asText()).isEqualTo("field label not supported: spec.schedule");
  }

  @Test
  void aWatchSelectingByFieldHearsOnlyOfTheObjectsItSelects() {
    List<String> heard = new CopyOnWriteArrayList<>();
    try (Watch watch = api.client().v1().events().inNamespace("rose").withField("involvedObject.name", "rose-memory")
        .watch(new Watcher<Event>() {
          @Override
          public void eventReceived(Action action, Event event) {
            heard.add(action + " " + event.getMetadata().getName());
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        })) {
      event("b.1", "BackupPolicy", "rose-notes", "uid-b", "Normal", "BackupSucceeded");
      event("a.1", "BackupPolicy", "rose-memory", "uid-a", "Normal", "BackupSucceeded");
      // Events of one watch arrive in order: had b.1's come through, it would be first.
      await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
      assertThat(heard).containsExactly("ADDED a.1");

      // An object that stops matching is gone for the watch; one that comes to match is new to it.
      api.client().v1().events().inNamespace("rose").withName("a.1")
          .edit(e -> new EventBuilder(e).editInvolvedObject().withName("rose-notes").endInvolvedObject().build());
      api.client().v1().events().inNamespace("rose").withName("b.1")
          .edit(e -> new EventBuilder(e).editInvolvedObject().withName("rose-memory").endInvolvedObject().build());
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 3);
      assertThat(heard).containsExactly("ADDED a.1", "DELETED a.1", "ADDED b.1");
    }
  }
}
