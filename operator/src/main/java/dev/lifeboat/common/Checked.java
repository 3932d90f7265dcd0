package dev.lifeboat.common;

import java.util.function.Function;

/** A value, or the {@link Problem} why there is none: the one result shape of every lookup that can fail. */
public record Checked<T>(T value, Problem problem) {
  public static <T> Checked<T> of(T value) {
    return new Checked<>(value, null);
  }

  public static <T> Checked<T> problem(String reason, String message) {
    return new Checked<>(null, new Problem(reason, message));
  }

  public static <T> Checked<T> problem(Problem problem) {
    return new Checked<>(null, problem);
  }

  public boolean ok() {
    return problem == null;
  }

  public <U> Checked<U> map(Function<T, U> mapper) {
    return ok() ? of(mapper.apply(value)) : problem(problem);
  }
}
