package dev.lifeboat.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A container's environment and $(VAR) expansion, as the kubelet builds and expands them. */
class KubeletEnvironmentTest {
  static final Function<String, String> KNOWN = name -> name.equals("A") ? "alpha" : "$(" + name + ")";

  /** Secrets and ConfigMaps from maps: "db" (Secret) and "settings" (ConfigMap). */
  static final KubeletEnvironment.Source SOURCE = new KubeletEnvironment.Source() {
    @Override
    public Optional<Map<String, String>> secret(String name) {
      return name.equals("db") ? Optional.of(Map.of("USER", "rose", "bad key", "x")) : Optional.empty();
    }

    @Override
    public Optional<Map<String, String>> configMap(String name) {
      return name.equals("settings") ? Optional.of(Map.of("TABLE", "notes")) : Optional.empty();
    }
  };

  @Test
  void expansionReplacesKnownReferencesKeepsUnknownOnesAndDollarDollarEscapes() {
    assertThat(KubeletEnvironment.expand("$(A)/x", KNOWN)).isEqualTo("alpha/x");
    assertThat(KubeletEnvironment.expand("$(B)", KNOWN)).isEqualTo("$(B)");
    assertThat(KubeletEnvironment.expand("$$(A)", KNOWN)).isEqualTo("$(A)");
    assertThat(KubeletEnvironment.expand("$$$(A)", KNOWN)).isEqualTo("$alpha");
    assertThat(KubeletEnvironment.expand("$$", KNOWN)).isEqualTo("$");
    assertThat(KubeletEnvironment.expand("a$", KNOWN)).isEqualTo("a$");
    assertThat(KubeletEnvironment.expand("$A ${A} $1", KNOWN)).isEqualTo("$A ${A} $1");
    assertThat(KubeletEnvironment.expand("$(A", KNOWN)).isEqualTo("$(A");
    assertThat(KubeletEnvironment.expand("$((1+2))", KNOWN)).isEqualTo("$((1+2))");
    assertThat(KubeletEnvironment.expand("'^0$'", KNOWN)).isEqualTo("'^0$'");
  }

  @Test
  void envFromComesFirstWithItsPrefixThenEnvSeesOnlyWhatIsDefinedBeforeIt() throws Exception {
    Container container = new ContainerBuilder().withName("check")
        .addNewEnvFrom().withPrefix("DB_").withNewSecretRef().withName("db").endSecretRef().endEnvFrom()
        .addNewEnvFrom().withNewConfigMapRef().withName("settings").endConfigMapRef().endEnvFrom()
        .addNewEnv().withName("WHO").withValue("$(DB_USER) on $(TABLE), $(LATER)").endEnv()
        .addNewEnv().withName("LATER").withValue("later").endEnv()
        .withCommand("echo", "$(WHO)", "$(LATER)").build();

    var env = KubeletEnvironment.build("rose", container, SOURCE);

    assertThat(env).containsKeys("DB_USER", "TABLE", "WHO", "LATER").doesNotContainKey("DB_bad key");
    assertThat(env.get("DB_USER")).isEqualTo(new KubeletEnvironment.Value("rose", true));
    assertThat(env.get("WHO").value()).isEqualTo("rose on notes, $(LATER)");
    assertThat(KubeletEnvironment.commandLine(container, env)).containsExactly("echo", "rose on notes, $(LATER)", "later");
  }

  @Test
  void missingReferencesAreTheKubeletsConfigErrorsUnlessOptional() {
    Container configMap = new ContainerBuilder().withName("check").addNewEnv().withName("T").withNewValueFrom()
        .withNewConfigMapKeyRef().withName("settings").withKey("COLUMN").endConfigMapKeyRef().endValueFrom().endEnv()
        .build();
    Container optional = new ContainerBuilder().withName("check").addNewEnv().withName("T").withNewValueFrom()
        .withNewConfigMapKeyRef().withName("other").withKey("K").withOptional(true).endConfigMapKeyRef().endValueFrom()
        .endEnv().addNewEnvFrom().withNewSecretRef().withName("nope").withOptional(true).endSecretRef().endEnvFrom()
        .build();

    assertThatThrownBy(() -> KubeletEnvironment.build("rose", configMap, SOURCE))
        .hasMessage("couldn't find key COLUMN in ConfigMap rose/settings");
    assertThatThrownBy(() -> KubeletEnvironment.build("rose", new ContainerBuilder().withName("c").addNewEnvFrom()
        .withNewConfigMapRef().withName("other").endConfigMapRef().endEnvFrom().build(), SOURCE))
        .hasMessage("configmap \"other\" not found");
    assertThat(catching(() -> KubeletEnvironment.build("rose", optional, SOURCE))).isEmpty();
  }

  interface Build {
    Map<String, KubeletEnvironment.Value> get() throws Exception;
  }

  static Map<String, KubeletEnvironment.Value> catching(Build build) {
    try {
      return build.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
