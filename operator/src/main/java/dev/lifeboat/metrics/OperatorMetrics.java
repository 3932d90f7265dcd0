package dev.lifeboat.metrics;

import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.common.RunMetrics;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Everything {@code /metrics} shows, in Prometheus text format: the policies' gauges (read from
 * their status at each scrape), the run counters, the Java Operator SDK's reconcile metrics and
 * the JVM's. One per operator.
 */
public final class OperatorMetrics {
  /** The Prometheus text exposition format's content type. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RunCounters runs = new RunCounters(registry);
  private final Map<String, MultiGauge> gauges = new LinkedHashMap<>();
  private final Supplier<Collection<BackupPolicy>> policies;

  /** {@code policies}: every BackupPolicy the operator watches, as it is now (an informer's store). */
  public OperatorMetrics(Supplier<Collection<BackupPolicy>> policies) {
    this.policies = policies;
    PolicyGauges.HELP.forEach((name, help) -> gauges.put(name, MultiGauge.builder(name).description(help).register(registry)));
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** What the controllers report when runs end. */
  public RunMetrics runs() {
    return runs;
  }

  /** The SDK's reconcile metrics, into the same registry; per resource they would grow without bound. */
  public Metrics sdk() {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }

  /** The policies' gauges as their status says now, then everything in Prometheus text format. */
  public synchronized String scrape() {
    Collection<BackupPolicy> current = policies.get();
    Map<String, List<MultiGauge.Row<?>>> rows = new LinkedHashMap<>();
    gauges.keySet().forEach(name -> rows.put(name, new ArrayList<>()));
    for (BackupPolicy policy : current) {
      Tags tags = Tags.of("namespace", policy.getMetadata().getNamespace(), "policy", policy.getMetadata().getName());
      PolicyGauges.of(policy).forEach((name, value) -> rows.get(name).add(MultiGauge.Row.of(tags, value)));
    }
    rows.forEach((name, list) -> gauges.get(name).register(list, true));
    Set<PolicyKey> existing = current.stream().map(PolicyKey::of).collect(Collectors.toSet());
    runs.forgetAllBut(existing);
    return registry.scrape();
  }
}
