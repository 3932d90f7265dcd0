package dev.lifeboat.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's environment as the kubelet builds it (makeEnvironmentVariables), and its
 * {@code $(VAR)} expansion (the kubelet's third_party expansion package):
 *
 * <ul>
 *   <li>{@code envFrom} first, in order, each source's keys (with {@code prefix}) overriding earlier
 *       ones; keys that are not valid environment variable names are skipped (the kubelet records an
 *       {@code InvalidEnvironmentVariableNames} Event; here the log says it);</li>
 *   <li>then {@code env}, in order: a {@code value} is expanded against the variables defined so
 *       far (envFrom's and earlier env entries), a {@code valueFrom} secretKeyRef/configMapKeyRef is
 *       taken as it is, never expanded;</li>
 *   <li>{@code command} and {@code args} are expanded against the finished environment.</li>
 * </ul>
 *
 * <p>Expansion: {@code $(NAME)} is the variable's value; a name that is not defined stays
 * {@code $(NAME)}; {@code $$} is one {@code $} (so {@code $$(NAME)} is the text {@code $(NAME)});
 * any other {@code $} is kept as written. A missing Secret or ConfigMap, or key, that is not
 * {@code optional} is the kubelet's CreateContainerConfigError message ({@link ConfigError}); an
 * optional one is skipped. Not modelled: fieldRef and resourceFieldRef (skipped, logged), service
 * links ({@code KUBERNETES_SERVICE_HOST} and the like).
 */
final class KubeletEnvironment {
  private static final Logger LOG = LoggerFactory.getLogger(KubeletEnvironment.class);
  /** The API server's and kubelet's IsEnvVarName: letters, digits, '_', '-', '.', not starting with a digit. */
  private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  /** Where Secrets and ConfigMaps are read: empty when the object does not exist. */
  interface Source {
    Optional<Map<String, String>> secret(String name);

    Optional<Map<String, String>> configMap(String name);
  }

  /** One variable: its value, and whether it came from a Secret (never rewritten as a path). */
  record Value(String value, boolean fromSecret) {}

  /** Why the kubelet cannot build the environment: its message, as in CreateContainerConfigError. */
  static final class ConfigError extends Exception {
    ConfigError(String message) {
      super(message, null, false, false);
    }
  }

  private KubeletEnvironment() {}

  /** The container's environment, in definition order (a redefined name keeps its first place). */
  static Map<String, Value> build(String namespace, Container container, Source source) throws ConfigError {
    Map<String, Value> env = new LinkedHashMap<>();
    for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      Map<String, String> data;
      String kind;
      String name;
      boolean secret = from.getSecretRef() != null;
      if (secret) {
        kind = "secret";
        name = from.getSecretRef().getName();
        Optional<Map<String, String>> found = source.secret(name);
        if (found.isEmpty()) {
          if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
            continue;
          }
          throw new ConfigError("secret \"" + name + "\" not found");
        }
        data = found.get();
      } else if (from.getConfigMapRef() != null) {
        kind = "configMap";
        name = from.getConfigMapRef().getName();
        Optional<Map<String, String>> found = source.configMap(name);
        if (found.isEmpty()) {
          if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
            continue;
          }
          throw new ConfigError("configmap \"" + name + "\" not found");
        }
        data = found.get();
      } else {
        continue;
      }
      TreeSet<String> invalid = new TreeSet<>();
      for (var entry : data.entrySet()) {
        String key = prefix + entry.getKey();
        if (!ENV_VAR_NAME.matcher(key).matches()) {
          invalid.add(key);
          continue;
        }
        env.put(key, new Value(entry.getValue(), secret));
      }
      if (!invalid.isEmpty()) {
        LOG.warn("InvalidEnvironmentVariableNames: Keys [{}] from the EnvFrom {} {}/{} were skipped since they are"
            + " considered invalid environment variable names.", String.join(", ", invalid), kind, namespace, name);
      }
    }
    for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      if (var.getValue() != null && !var.getValue().isEmpty()) {
        env.put(var.getName(), new Value(expand(var.getValue(), mapping(env)), false));
        continue;
      }
      var from = var.getValueFrom();
      if (from == null) {
        env.put(var.getName(), new Value("", false));
      } else if (from.getSecretKeyRef() != null) {
        var ref = from.getSecretKeyRef();
        boolean optional = Boolean.TRUE.equals(ref.getOptional());
        Optional<Map<String, String>> data = source.secret(ref.getName());
        if (data.isEmpty()) {
          if (optional) {
            continue;
          }
          throw new ConfigError("secret \"" + ref.getName() + "\" not found");
        }
        String value = data.get().get(ref.getKey());
        if (value == null) {
          if (optional) {
            continue;
          }
          throw new ConfigError("couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
        }
        env.put(var.getName(), new Value(value, true));
      } else if (from.getConfigMapKeyRef() != null) {
        var ref = from.getConfigMapKeyRef();
        boolean optional = Boolean.TRUE.equals(ref.getOptional());
        Optional<Map<String, String>> data = source.configMap(ref.getName());
        if (data.isEmpty()) {
          if (optional) {
            continue;
          }
          throw new ConfigError("configmap \"" + ref.getName() + "\" not found");
        }
        String value = data.get().get(ref.getKey());
        if (value == null) {
          if (optional) {
            continue;
          }
          throw new ConfigError("couldn't find key " + ref.getKey() + " in ConfigMap " + namespace + "/" + ref.getName());
        }
        env.put(var.getName(), new Value(value, false));
      } else {
        LOG.warn("env {} of container {}: fieldRef and resourceFieldRef are not modelled by the sandbox; not set",
            var.getName(), container.getName());
      }
    }
    return env;
  }

  /** Looks names up in {@code env}; an unknown name maps to itself, written {@code $(NAME)}. */
  static Function<String, String> mapping(Map<String, Value> env) {
    return name -> {
      Value value = env.get(name);
      return value != null ? value.value() : "$(" + name + ")";
    };
  }

  /** The command (command, then args) with every element expanded against the finished environment. */
  static List<String> commandLine(Container container, Map<String, Value> env) {
    Function<String, String> mapping = mapping(env);
    List<String> line = new ArrayList<>();
    for (List<String> part : java.util.Arrays.asList(container.getCommand(), container.getArgs())) {
      if (part != null) {
        part.forEach(element -> line.add(expand(element, mapping)));
      }
    }
    return line;
  }

  /**
   * The kubelet's expansion of {@code input}: {@code $(NAME)} through {@code mapping}, {@code $$}
   * to {@code $}, an unterminated {@code $(} and any other {@code $x} kept as written.
   */
  static String expand(String input, Function<String, String> mapping) {
    StringBuilder out = new StringBuilder(input.length());
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c != '$' || i + 1 == input.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = input.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          out.append("$(");
          i += 2;
        } else {
          out.append(mapping.apply(input.substring(i + 2, close)));
          i = close + 1;
        }
      } else {
        out.append(c).append(next);
        i += 2;
      }
    }
    return out.toString();
  }
}
