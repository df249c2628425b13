using System.Management.Automation;
using NmrInversion.Engine.Formats;
using NmrInversion.Engine.Signals;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Writes a signal to CSV (spreadsheet layout: header row of t2, first column of t1) or to NmrInversion JSON (exact round trip with Import-NmrSignal).</para>
/// </summary>
[Cmdlet(VerbsData.Export, "NmrSignal", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(FileInfo))]
public sealed class ExportNmrSignalCommand : ExportCmdlet
{
    /// <summary>The signal to write (also taken from the Signal property of an inversion result).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Signal2D? Signal { get; set; }

    protected override void ProcessRecord()
    {
        var signal = Signal!;
        Export(signal, $"{signal.Experiment} signal '{signal.Name}' ({signal.Size})",
            s => SignalJson.Write(s, signal), w => CsvSignal.Write(w, signal));
    }
}
