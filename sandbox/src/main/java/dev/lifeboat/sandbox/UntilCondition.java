package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;

/**
 * {@code KIND/NAMESPACE/NAME=CONDITION_OR_PHASE}: holds when the object's condition of that type
 * is True, or (RestoreRequest) when its phase is that value.
 */
record UntilCondition(String kind, String namespace, String name, String expected) {
  static UntilCondition parse(String text) {
    String[] sides = text.split("=", 2);
    String[] path = sides[0].split("/");
    if (sides.length != 2 || path.length != 3 || sides[1].isBlank()) {
      throw new IllegalArgumentException("--until: '" + text + "' is not KIND/NAMESPACE/NAME=CONDITION_OR_PHASE");
    }
    String kind = switch (path[0].toLowerCase(Locale.ROOT)) {
      case "backuppolicy", "backuppolicies", "bp" -> "BackupPolicy";
      case "restorerequest", "restorerequests", "rr" -> "RestoreRequest";
      default -> throw new IllegalArgumentException("--until: unknown kind '" + path[0] + "'; use backuppolicy or restorerequest");
    };
    return new UntilCondition(kind, path[1], path[2], sides[1]);
  }

  HasMetadata read(KubernetesClient client) {
    Class<? extends HasMetadata> type = kind.equals("BackupPolicy") ? BackupPolicy.class : RestoreRequest.class;
    return client.resources(type).inNamespace(namespace).withName(name).get();
  }

  boolean holds(KubernetesClient client) {
    HasMetadata object = read(client);
    if (object instanceof BackupPolicy policy) {
      return policy.getStatus() != null && Conditions.isTrue(policy.getStatus().conditions, expected);
    }
    if (object instanceof RestoreRequest restore) {
      return restore.getStatus() != null && (restore.getStatus().phase != null && expected.equals(restore.getStatus().phase.name())
          || Conditions.isTrue(restore.getStatus().conditions, expected));
    }
    return false;
  }

  @Override
  public String toString() {
    return kind.toLowerCase(Locale.ROOT) + "/" + namespace + "/" + name + "=" + expected;
  }
}
