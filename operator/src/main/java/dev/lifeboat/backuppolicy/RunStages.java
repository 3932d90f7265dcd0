package dev.lifeboat.backuppolicy;

import dev.lifeboat.api.v1alpha1.BackupPhase;
import dev.lifeboat.api.v1alpha1.BackupPolicy;
import dev.lifeboat.api.v1alpha1.BackupPolicySpec;
import dev.lifeboat.api.v1alpha1.BackupPolicyStatus;
import dev.lifeboat.api.v1alpha1.BackupRun;
import dev.lifeboat.api.v1alpha1.CopyMethod;
import dev.lifeboat.api.v1alpha1.Hook;
import dev.lifeboat.api.v1alpha1.HookErrorPolicy;
import dev.lifeboat.api.v1alpha1.HookOutcome;
import dev.lifeboat.api.v1alpha1.HookPhase;
import dev.lifeboat.api.v1alpha1.HookResult;
import dev.lifeboat.api.v1alpha1.Reasons;
import dev.lifeboat.api.v1alpha1.RunStage;
import dev.lifeboat.common.EventRecorder;
import dev.lifeboat.common.JobOutcomeReader;
import dev.lifeboat.common.Times;
import dev.lifeboat.retention.RetentionRules;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The stages of a run with hooks, kept in status.lastBackup.stage and written before a stage acts,
 * so a restarted operator resumes: Direct copies go BeforeHooks, Copying (the Job), AfterHooks;
 * Snapshot copies BeforeHooks, Snapshotting, AfterHooks, Copying. Each reconcile advances the run
 * until something has to be waited for: a hook command (one at a time per policy, started only
 * once status says so, see {@link #launch}) or the Job. Once hooksStarted is written, the after
 * hooks run whatever happens: a before hook failing, the Job failing or never starting, the policy
 * being deleted, the operator restarting. A run without hooks has no stage and never comes here.
 */
final class RunStages {
  /** A running hook command is looked at this often (real time). */
  static final Duration HOOK_POLL = Duration.ofSeconds(2);
  /** Held on the policy between the first before hook and the last after hook, so deleting it still runs them. */
  static final String FINALIZER = "backuppolicies.lifeboat.dev/hooks";
  /** Of a failing command's output, what its Event carries. */
  static final int EVENT_TAIL_BYTES = 512;

  private static final List<RunStage> DIRECT = List.of(RunStage.BeforeHooks, RunStage.Copying, RunStage.AfterHooks);
  private static final List<RunStage> SNAPSHOT = List.of(RunStage.BeforeHooks, RunStage.Snapshotting,
      RunStage.AfterHooks, RunStage.Copying);

  /**
   * Starts the run's Job (the Copying stage); returns why it cannot, e.g. its claims are gone.
   * The reconciler's, because it knows the claims and what restores pin.
   */
  interface Copier {
    Optional<String> startJob(BackupPolicy policy, BackupPolicyStatus status, Instant now);
  }

  /** What the reconcile does once status is written: start this command; poll while one runs. */
  record Progress(Optional<HookRunner.Key> launch, HookRunner.Exec exec, boolean polling) {
    static final Progress IDLE = new Progress(Optional.empty(), null, false);
  }

  private final HookRunner runner;
  private final HookPods pods;
  private final SnapshotStage snapshotStage;
  private final BackupRuns runs;
  private final EventRecorder events;

  RunStages(HookRunner runner, HookPods pods, SnapshotStage snapshotStage, BackupRuns runs, EventRecorder events) {
    this.runner = runner;
    this.snapshotStage = snapshotStage;
    this.pods = pods;
    this.runs = runs;
    this.events = events;
  }

  static boolean hasHooks(BackupPolicySpec spec) {
    return spec != null && spec.hooks != null && (notEmpty(spec.hooks.before) || notEmpty(spec.hooks.after));
  }

  /** Marks a run just recorded as started as one with hooks: it begins with its before hooks. */
  static void begin(BackupRun run) {
    run.stage = RunStage.BeforeHooks;
    run.hooksStarted = true;
    run.hooks = new ArrayList<>();
  }

  /**
   * True while a run with hooks is going: its Job's end is then recorded by this class, after the
   * after hooks ran, with their results, not as soon as the Job ends.
   */
  static boolean holdsOutcome(BackupRun run) {
    // Every stage: in Snapshot order the copy comes after the after hooks, and still ends here, so
    // their results and warnings stay with the run.
    return run != null && run.phase == BackupPhase.Running && Boolean.TRUE.equals(run.hooksStarted) && run.stage != null;
  }

  static boolean holdsOutcome(BackupPolicy policy, BackupPolicyStatus status, String backupId) {
    BackupRun run = status.lastBackup;
    return run != null && Objects.equals(run.id, backupId)
        && holdsOutcome(run);
  }

  /**
   * Advances the policy's current run through its stages; {@code claims} gives the names of the
   * policy's claims (for the default pods of a hook), {@code rules} the retention rules (null
   * while the spec is invalid: a finished Job's outcome then waits).
   */
  Progress advance(BackupPolicy policy, BackupPolicyStatus status, List<Job> runJobs, Supplier<List<String>> claims,
      Copier copier, RetentionRules rules, Instant now) {
    BackupRun run = status.lastBackup;
    CopyMethod method = policy.getSpec() == null ? null : policy.getSpec().copyMethod;
    if (run == null || run.phase != BackupPhase.Running || run.stage == null || !Boolean.TRUE.equals(run.hooksStarted)) {
      return Progress.IDLE; // a run without hooks: its Job (or its snapshots) take it on as before
    }
    boolean deleting = policy.isMarkedForDeletion();
    for (int step = 0; step < order(method).size() + 1; step++) {
      switch (run.stage) {
        case BeforeHooks -> {
          // A deleted policy starts no further before hook; one still running is awaited.
          Progress waiting = hooks(policy, run, HookPhase.before, claims, now, !deleting);
          if (waiting != null) {
            return waiting;
          }
          Optional<HookResult> failed = failedBefore(run);
          if (failed.isPresent()) {
            abort(run, "before hook " + failed.get().index + " failed" + where(failed.get()) + ": " + summary(failed.get()));
          } else if (deleting) {
            abort(run, "the BackupPolicy was deleted before the copy started");
          } else {
            run.stage = next(method, RunStage.BeforeHooks);
          }
        }
        case Snapshotting -> {
          if (deleting) {
            abort(run, "the BackupPolicy was deleted before the snapshots were taken");
            continue;
          }
          if (run.snapshots == null) {
            // Names first, in the status written before any snapshot exists; the timeout counts from here.
            SnapshotRuns.enterSnapshotting(policy, run, claims.get(), now);
            return new Progress(Optional.empty(), null, true);
          }
          SnapshotStage.Outcome snapshots = snapshotStage.advance(policy, run, now);
          if (snapshots.pending()) {
            return new Progress(Optional.empty(), null, true);
          }
          if (snapshots.failure() != null) {
            run.reason = snapshots.failure().reason();
            abort(run, snapshots.failure().message());
          } else {
            run.stage = RunStage.AfterHooks; // the app may go on: the copy reads the snapshots
          }
        }
        case Copying -> {
          if (run.job == null) {
            if (deleting) {
              abort(run, "the BackupPolicy was deleted before the copy started");
              continue;
            }
            Optional<String> problem = copier.startJob(policy, status, now);
            if (problem.isPresent()) {
              abort(run, problem.get());
              continue;
            }
            return Progress.IDLE; // the Job's events wake the reconciler
          }
          Optional<Job> job = runJobs.stream().filter(j -> run.id.equals(JobOutcomeReader.backupId(j))).findFirst();
          boolean going = job.isPresent() && !runs.ended(job.get(), now);
          if (going && !deleting) {
            return Progress.IDLE;
          }
          if (going) {
            abort(run, "the BackupPolicy was deleted while its Job " + run.job + " ran");
            continue;
          }
          if (next(method, RunStage.Copying) == null) {
            // Snapshot order: the after hooks ran before the copy; the run ends with the Job, its hook
            // results and warnings kept.
            return finish(policy, status, run, runJobs, rules, now);
          }
          run.stage = RunStage.AfterHooks;
        }
        case AfterHooks -> {
          Progress hooks = hooks(policy, run, HookPhase.after, claims, now, true);
          if (hooks != null) {
            return hooks;
          }
          if (run.failure == null && next(method, RunStage.AfterHooks) != null) {
            run.stage = next(method, RunStage.AfterHooks);
            continue;
          }
          return finish(policy, status, run, runJobs, rules, now);
        }
        default -> throw new IllegalStateException("unknown stage " + run.stage);
      }
    }
    return Progress.IDLE;
  }

  /** Ends the run: Failed with run.failure, else as its Job ended, with the hooks' results and warnings. */
  private Progress finish(BackupPolicy policy, BackupPolicyStatus status, BackupRun run, List<Job> runJobs,
      RetentionRules rules, Instant now) {
    if (rules == null && run.failure == null) {
      return Progress.IDLE; // the Job's outcome is recorded once the spec is valid again
    }
    String id = run.id;
    Optional<Job> job = runJobs.stream().filter(j -> id.equals(JobOutcomeReader.backupId(j))).findFirst();
    runs.finishHeld(policy, status, job.orElse(null), rules, warnings(run), now);
    runner.forgetRun(policy.getMetadata().getNamespace(), policy.getMetadata().getName(), id);
    return Progress.IDLE;
  }

  /** Starts the command the status now says is running (called once that status is written). */
  void launch(Progress progress) {
    progress.launch().ifPresent(key -> runner.start(key, progress.exec()));
  }

  /** Ends the run's stages early: it will be Failed with this message, once its after hooks ran. */
  static void abort(BackupRun run, String message) {
    run.failure = message;
    run.stage = RunStage.AfterHooks;
  }

  /**
   * Runs a list of hooks, each over all its pods in name order, one command at a time: null when
   * the list is done (for before hooks: or stopped at a failure of a hook with onError Fail; with
   * {@code startMore} false: once no command runs), else what to wait for.
   */
  private Progress hooks(BackupPolicy policy, BackupRun run, HookPhase phase, Supplier<List<String>> claims, Instant now,
      boolean startMore) {
    if (run.hooks == null) {
      run.hooks = new ArrayList<>();
    }
    Optional<HookResult> open = run.hooks.stream().filter(h -> h.outcome == null).findFirst();
    if (open.isPresent()) {
      HookResult result = open.get();
      HookRunner.State state = runner.state(key(policy, run, result));
      if (state instanceof HookRunner.Running) {
        return new Progress(Optional.empty(), null, true);
      }
      if (state instanceof HookRunner.Done done) {
        result.outcome = done.ended().outcome();
        result.exitCode = done.ended().exitCode();
        result.output = done.ended().output().isEmpty() ? null : done.ended().output();
        result.seconds = done.ended().took().toSeconds();
      } else {
        result.outcome = HookOutcome.Interrupted;
        result.output = "the operator restarted while the command ran; how it ended is unknown";
        Instant started = Times.parse(result.startTime);
        result.seconds = started == null ? null : Math.max(0, Duration.between(started, now).toSeconds());
      }
      announceFailure(policy, result);
    }
    List<Hook> list = list(policy.getSpec(), phase);
    if (!startMore || phase == HookPhase.before && failedBefore(run).isPresent()) {
      return null;
    }
    // Hooks before the latest one begun are done: a pod that appeared since does not re-run them.
    int from = run.hooks.stream().filter(h -> h.phase == phase).mapToInt(h -> h.index).max().orElse(0);
    for (int index = from; index < list.size(); index++) {
      Hook hook = list.get(index);
      List<HookResult> mine = results(run, phase, index);
      List<HookPods.Target> targets = pods.of(policy.getMetadata().getNamespace(), hook, claims.get());
      if (targets.isEmpty()) {
        if (mine.isEmpty()) {
          run.hooks.add(result(phase, index, hook, null, HookOutcome.NoPods, now));
        }
        continue;
      }
      for (HookPods.Target target : targets) {
        if (done(mine, target.pod(), phase)) {
          continue;
        }
        if (!target.containerFound()) {
          HookResult missing = result(phase, index, hook, target, HookOutcome.Failed, now);
          missing.output = "pod " + target.pod() + " has no container " + target.containerName();
          missing.seconds = 0L;
          run.hooks.add(missing);
          announceFailure(policy, missing);
          if (phase == HookPhase.before && failedBefore(run).isPresent()) {
            return null;
          }
          continue;
        }
        HookResult started = result(phase, index, hook, target, null, now);
        run.hooks.add(started);
        return new Progress(Optional.of(key(policy, run, started)), new HookRunner.Exec(target.containerName(),
            List.copyOf(hook.command), Duration.ofSeconds(hook.timeoutSeconds == null ? 60 : hook.timeoutSeconds)), true);
      }
    }
    return null;
  }

  /** Whether a pod has had its turn: a before hook runs once; an after hook cut off by a restart runs once more. */
  private static boolean done(List<HookResult> results, String pod, HookPhase phase) {
    List<HookResult> ofPod = results.stream().filter(r -> pod.equals(r.pod)).toList();
    if (phase == HookPhase.before) {
      return !ofPod.isEmpty();
    }
    long interrupted = ofPod.stream().filter(r -> r.outcome == HookOutcome.Interrupted).count();
    return ofPod.size() > interrupted || interrupted >= 2;
  }

  /** The first before hook that failed with onError: Fail (a command cut off by a restart counts as failed). */
  static Optional<HookResult> failedBefore(BackupRun run) {
    return run.hooks == null ? Optional.empty() : run.hooks.stream()
        .filter(h -> h.phase == HookPhase.before && failing(h) && h.onError != HookErrorPolicy.Continue)
        .findFirst();
  }

  /** The failures a run goes on despite (onError: Continue, and every failing after hook): warnings of the run. */
  static List<String> warnings(BackupRun run) {
    return run.hooks == null ? List.of() : run.hooks.stream()
        .filter(RunStages::failing)
        .filter(h -> h.phase == HookPhase.after || h.onError == HookErrorPolicy.Continue)
        .map(h -> h.phase + " hook " + h.index + " failed" + where(h) + ": " + summary(h))
        .toList();
  }

  private static boolean failing(HookResult result) {
    return result.outcome == HookOutcome.Failed || result.outcome == HookOutcome.TimedOut
        || result.outcome == HookOutcome.Interrupted;
  }

  private void announceFailure(BackupPolicy policy, HookResult result) {
    if (!failing(result)) {
      return;
    }
    String tail = result.output == null ? "" : ": " + OutputTail.last(result.output, EVENT_TAIL_BYTES);
    events.warning(policy, Reasons.HOOK_FAILED, result.phase + " hook " + result.index + where(result) + " "
        + result.outcome + (result.exitCode == null ? "" : " (exit code " + result.exitCode + ")") + tail);
  }

  private static String where(HookResult result) {
    return result.pod == null ? "" : " in pod " + result.pod + " container " + result.container;
  }

  /** One line for a run's message or warnings: the outcome, exit code and last line of output. */
  private static String summary(HookResult result) {
    String line = result.output == null ? "" : result.output.strip();
    line = line.substring(line.lastIndexOf('\n') + 1);
    return result.outcome + (result.exitCode == null ? "" : " (exit code " + result.exitCode + ")")
        + (line.isEmpty() ? "" : ": " + OutputTail.last(line, 200));
  }

  private static HookResult result(HookPhase phase, int index, Hook hook, HookPods.Target target, HookOutcome outcome,
      Instant now) {
    HookResult result = new HookResult();
    result.phase = phase;
    result.index = index;
    result.pod = target == null ? null : target.pod();
    result.container = target == null ? null : target.containerName();
    result.onError = hook.onError == null ? HookErrorPolicy.Fail : hook.onError;
    result.outcome = outcome;
    result.startTime = Times.rfc3339(now);
    return result;
  }

  private static List<HookResult> results(BackupRun run, HookPhase phase, int index) {
    return run.hooks.stream().filter(h -> h.phase == phase && h.index == index).toList();
  }

  private static HookRunner.Key key(BackupPolicy policy, BackupRun run, HookResult result) {
    return new HookRunner.Key(policy.getMetadata().getNamespace(), policy.getMetadata().getName(), run.id, result.phase,
        result.index, result.pod);
  }

  private static List<Hook> list(BackupPolicySpec spec, HookPhase phase) {
    if (spec == null || spec.hooks == null) {
      return List.of();
    }
    List<Hook> list = phase == HookPhase.before ? spec.hooks.before : spec.hooks.after;
    return list == null ? List.of() : list;
  }

  private static List<RunStage> order(CopyMethod method) {
    return method == CopyMethod.Snapshot ? SNAPSHOT : DIRECT;
  }

  /** The stage after this one, null after the last. */
  private static RunStage next(CopyMethod method, RunStage stage) {
    List<RunStage> order = order(method);
    int at = order.indexOf(stage);
    return at + 1 < order.size() ? order.get(at + 1) : null;
  }

  private static boolean notEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }
}
