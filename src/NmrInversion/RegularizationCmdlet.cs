using System.Diagnostics;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using NmrInversion.Engine;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Inversion;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// What Invoke-NmrTikhonov and Invoke-NmrMtgv share: signals from the pipeline (or an inversion result's Signal), an
/// optional relaxation grid to invert onto, one result or one non-terminating error per signal in input order, up to
/// -ThrottleLimit signals inverted at once, one progress bar for the batch (with the time remaining once the batch's
/// size is known), and Ctrl+C (StopProcessing) cancelling the running searches.
/// </summary>
public abstract class RegularizationCmdlet : NmrCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly Queue<(Signal2D Signal, Task<InversionResult> Task)> _running = new();
    private readonly Stopwatch _clock = new();
    private readonly Stopwatch _progressClock = new();
    private ProgressRecord? _progress;
    private int _received, _written;
    private int? _total;
    private volatile string? _detail;

    /// <summary>The signal(s) to invert (from New-NmrSignal or an import cmdlet); an inversion result binds its Signal, to invert the same data with another method.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public Signal2D[]? Signal { get; set; }

    /// <summary>Relaxation grid of the first dimension to invert onto (T1 in s, or D in m^2/s); default: the signal's own (its truth's, or the experiment's default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public double[]? RelaxationAxis1 { get; set; }

    /// <summary>Relaxation grid of the second dimension (T2 in s, or D in m^2/s).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public double[]? RelaxationAxis2 { get; set; }

    /// <summary>How many signals are inverted at once (default 1); 2 or more use as many cores. Results keep the input order.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Cancelled by Ctrl+C.</summary>
    protected CancellationToken Cancellation => _cancel.Token;

    /// <summary>Activity id of the batch's progress bar.</summary>
    protected abstract int ProgressId { get; }

    /// <summary>
    /// Inverts one signal (already on the requested grid); <paramref name="index"/> counts from 1. Runs on a worker
    /// thread (up to -ThrottleLimit at once), so it writes nothing to the pipeline: it may call <see cref="SetDetail"/>.
    /// </summary>
    protected abstract InversionResult Compute(Signal2D signal, int index);

    /// <summary>Writes what the cmdlet says about a result (verbose, warnings) on the pipeline thread, before the result itself.</summary>
    protected abstract void Report(InversionResult result, Signal2D signal);

    /// <summary>What the running inversion is doing (shown as the progress bar's current operation).</summary>
    protected void SetDetail(string detail) => _detail = detail;

    protected override void ProcessRecord()
    {
        if (!_clock.IsRunning)
        {
            _clock.Start();
            _progressClock.Start();
            if (!MyInvocation.ExpectingInput) _total = Signal!.Length;
        }
        foreach (var given in Signal!)
        {
            if (given is null) continue;
            int index = ++_received;
            Signal2D? signal = null;
            RunForItem(() => signal = OnGrid(given), given);
            if (signal is null) continue;
            var token = _cancel.Token;
            _running.Enqueue((signal, Task.Run(() => Compute(signal, index), token)));
            while (_running.Count >= ThrottleLimit) WriteNext();
        }
    }

    protected override void EndProcessing()
    {
        _total = _received;
        while (_running.Count > 0) WriteNext();
        if (_progress is not null)
        {
            _progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(_progress);
        }
    }

    /// <summary>Waits for the oldest running inversion, showing progress, and writes its result or its error.</summary>
    private void WriteNext()
    {
        var (signal, task) = _running.Peek();
        // Waits on the handle, not Task.Wait, which would throw the item's own error here.
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(200))
        {
            if (Stopping || _cancel.IsCancellationRequested) throw new PipelineStoppedException();
            ShowProgress(signal);
        }
        _running.Dequeue();
        _written++;
        if (task.IsCompletedSuccessfully)
        {
            Report(task.Result, signal);
            WriteObject(task.Result);
        }
        else
        {
            var e = task.Exception?.InnerException ?? new OperationCanceledException();
            if (e is OperationCanceledException && (_cancel.IsCancellationRequested || Stopping)) throw new PipelineStoppedException();
            if (e is NmrInputException or ArgumentException or InvalidOperationException or IOException) WriteError(ToErrorRecord(e, signal));
            else ExceptionDispatchInfo.Capture(e).Throw();
        }
        ShowProgress(_running.Count > 0 ? _running.Peek().Signal : null);
    }

    /// <summary>One bar for the batch: signals done (of how many, when known), the time remaining, what runs now.</summary>
    private void ShowProgress(Signal2D? current)
    {
        if (_progressClock.ElapsedMilliseconds < 200 && _written < (_total ?? int.MaxValue)) return;
        _progressClock.Restart();
        // A new record each time: hosts and scripts that keep the records (PowerShell.Streams.Progress) see each state.
        _progress = new ProgressRecord(ProgressId, MyInvocation.MyCommand.Name, "Inverting");
        _progress.StatusDescription = _total is { } total
            ? $"{_written} of {total} signal(s) inverted{(current is null ? "" : $"; {current.Name}")}"
            : $"{_written} signal(s) inverted{(current is null ? "" : $"; {current.Name}")}";
        if (_total is { } n && n > 0)
        {
            _progress.PercentComplete = Math.Min(100, 100 * _written / n);
            if (_written > 0) _progress.SecondsRemaining = (int)Math.Ceiling(_clock.Elapsed.TotalSeconds / _written * (n - _written));
        }
        _progress.CurrentOperation = ThrottleLimit == 1 ? _detail : $"{_running.Count} running at once (-ThrottleLimit {ThrottleLimit})";
        WriteProgress(_progress);
    }

    /// <summary>
    /// The signal to invert onto the grid given by -RelaxationAxis1/-RelaxationAxis2; the signal itself when neither
    /// is given. Axis names follow the signal's kernels.
    /// </summary>
    private Signal2D OnGrid(Signal2D signal)
    {
        if (RelaxationAxis1 is null && RelaxationAxis2 is null) return signal;
        return signal.WithRelaxationAxes(
            RelaxationAxis1 is null ? null : new RelaxationAxis(signal.RelaxationAxis1.Name, RelaxationAxis1),
            RelaxationAxis2 is null ? null : new RelaxationAxis(signal.RelaxationAxis2.Name, RelaxationAxis2));
    }

    protected override void StopProcessing() => _cancel.Cancel();

    public void Dispose()
    {
        _cancel.Cancel();
        try { Task.WaitAll(_running.Select(r => (Task)r.Task).ToArray(), TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }
}
