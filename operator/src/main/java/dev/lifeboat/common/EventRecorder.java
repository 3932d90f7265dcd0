package dev.lifeboat.common;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events (core/v1, what kubectl describe shows). The same Event again (same
 * object, type, reason and message) is counted on the Event already written — {@code count} and
 * {@code lastTimestamp} patched, as kubectl shows "(x3 over 2h)" — rather than written anew, as
 * client-go's recorder does. An Event that cannot be written is only logged.
 */
public class EventRecorder {
  /** How many distinct Events are remembered for counting; the oldest is forgotten first. */
  static final int REMEMBERED = 4096;
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  /** Key of an Event written → its name and count so far. */
  private final Map<String, Written> written = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Written> eldest) {
      return size() > REMEMBERED;
    }
  };

  private record Written(String name, int count) {}

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, NORMAL, reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, WARNING, reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = Times.rfc3339(clock.instant());
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    String namespace = about.getMetadata().getNamespace();
    String key = String.join("\u0000", namespace, about.getKind(), about.getMetadata().getName(),
        String.valueOf(about.getMetadata().getUid()), type, reason, text);
    try {
      synchronized (written) {
        Written before = written.get(key);
        if (before != null && again(namespace, before, now)) {
          written.put(key, new Written(before.name(), before.count() + 1));
          return;
        }
        String name = about.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT);
        client.v1().events().inNamespace(namespace).resource(event(about, name, type, reason, text, now)).create();
        written.put(key, new Written(name, 1));
      }
    } catch (RuntimeException e) {
      LOG.warn("could not record event {} for {}/{}: {}", reason, namespace, about.getMetadata().getName(), e.getMessage());
    }
  }

  /** Counts one more on the Event written before; false when it is gone (Events expire, an hour by default). */
  private boolean again(String namespace, Written before, String now) {
    try {
      client.v1().events().inNamespace(namespace).withName(before.name()).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"count\":" + (before.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static Event event(HasMetadata about, String name, String type, String reason, String text, String now) {
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(about.getMetadata().getNamespace())
        .withName(name)
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(about.getApiVersion())
        .withKind(about.getKind())
        .withName(about.getMetadata().getName())
        .withNamespace(about.getMetadata().getNamespace())
        .withUid(about.getMetadata().getUid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(text)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource("lifeboat-operator", null)
        .withReportingComponent("lifeboat.dev/operator")
        .build();
  }
}
