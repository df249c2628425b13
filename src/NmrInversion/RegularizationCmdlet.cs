using System.Management.Automation;
using NmrInversion.Engine.Grids;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// What Invoke-NmrTikhonov and Invoke-NmrMtgv share: signals from the pipeline, an optional relaxation grid to invert
/// onto, one result or one non-terminating error per signal, and Ctrl+C (StopProcessing) cancelling the running search.
/// </summary>
public abstract class RegularizationCmdlet : NmrCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private int _done;

    /// <summary>The signal(s) to invert (from New-NmrSignal or an import cmdlet).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Signal2D? Signal { get; set; }

    /// <summary>Relaxation grid of the first dimension to invert onto (T1 in s, or D in m^2/s); default: the signal's own (its truth's, or the experiment's default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public double[]? RelaxationAxis1 { get; set; }

    /// <summary>Relaxation grid of the second dimension (T2 in s, or D in m^2/s).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public double[]? RelaxationAxis2 { get; set; }

    /// <summary>Cancelled by Ctrl+C.</summary>
    protected CancellationToken Cancellation => _cancel.Token;

    /// <summary>Inverts one signal (already on the requested grid) and writes its result; <paramref name="index"/> counts from 1.</summary>
    protected abstract void Invert(Signal2D signal, int index);

    protected override void ProcessRecord()
    {
        var signal = Signal!;
        int index = ++_done;
        try
        {
            RunForItem(() => Invert(OnGrid(signal), index), signal);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested || Stopping)
        {
            throw new PipelineStoppedException();
        }
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
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }
}
