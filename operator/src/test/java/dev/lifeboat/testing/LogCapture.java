package dev.lifeboat.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * What some loggers write while a test provokes a failure on purpose (a refusing webhook, an API
 * server going away, an operator killed mid-write): kept for the test to assert on, and off the
 * console, so the build's output holds only warnings nobody expected. Register it with
 * {@code @RegisterExtension}; each test starts with an empty capture.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final List<String> names;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(List<String> names) {
    this.names = names;
  }

  /** The loggers of these classes. */
  public static LogCapture of(Class<?>... types) {
    List<String> names = new ArrayList<>();
    for (Class<?> type : types) {
      names.add(type.getName());
    }
    return new LogCapture(names);
  }

  /** These loggers (and their children), by name: for a library's, e.g. {@code io.fabric8...LeaderElector}. */
  public static LogCapture named(String... names) {
    return new LogCapture(List.of(names));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    appender.list.clear();
    appender.start();
    for (String name : names) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.addAppender(appender);
      logger.setAdditive(false);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (String name : names) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.detachAppender(appender);
      logger.setAdditive(true);
    }
    appender.stop();
  }

  /** Every line captured so far, formatted, with the exception's message when one was logged. */
  public List<String> lines() {
    synchronized (appender) { // AppenderBase appends under the appender's own lock
      return appender.list.stream().map(e -> e.getThrowableProxy() == null ? e.getFormattedMessage()
          : e.getFormattedMessage() + " " + e.getThrowableProxy().getMessage()).toList();
    }
  }
}
