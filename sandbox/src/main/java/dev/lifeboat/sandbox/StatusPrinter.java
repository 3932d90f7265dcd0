package dev.lifeboat.sandbox;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.ConditionTypes;
import dev.lifeboat.api.v1alpha1.RestoreRequest;
import dev.lifeboat.common.Conditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.util.Locale;

/** Prints Lifeboat objects as kubectl would: a table, and each object with its status as YAML. */
final class StatusPrinter {
  private StatusPrinter() {}

  static void printAll(KubernetesClient client, PrintStream out) {
    for (BackupPolicy policy : client.resources(BackupPolicy.class).inAnyNamespace().list().getItems()) {
      out.println("---");
      out.print(client.getKubernetesSerialization().asYaml(policy).replaceFirst("^---\n", ""));
    }
    for (RestoreRequest restore : client.resources(RestoreRequest.class).inAnyNamespace().list().getItems()) {
      out.println("---");
      out.print(client.getKubernetesSerialization().asYaml(restore).replaceFirst("^---\n", ""));
    }
  }

  /** {@code kubectl get bp -n NS}: the printer columns of the CRD. */
  static void table(KubernetesClient client, String namespace, PrintStream out) {
    String format = "%-14s %-11s %-22s %-8s %-5s %-22s%n";
    out.printf(format, "NAME", "SCHEDULE", "LAST SUCCESS", "OVERDUE", "KEPT", "NEXT");
    for (BackupPolicy p : client.resources(BackupPolicy.class).inNamespace(namespace).list().getItems()) {
      var s = p.getStatus();
      out.printf(Locale.ROOT, format, p.getMetadata().getName(), p.getSpec().schedule,
          s == null || s.lastSuccessfulBackup == null ? "<none>" : s.lastSuccessfulBackup,
          s == null ? "" : Conditions.find(s.conditions, ConditionTypes.BACKUP_OVERDUE).map(c -> c.getStatus()).orElse(""),
          s == null || s.retention == null ? "" : String.valueOf(s.retention.kept),
          s == null || s.nextBackup == null ? "" : s.nextBackup);
    }
  }
}
