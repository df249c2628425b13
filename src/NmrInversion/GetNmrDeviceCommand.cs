using System.Management.Automation;
using NmrInversion.Engine.Network;

namespace NmrInversion.Commands;

/// <summary>
/// <para type="synopsis">Reports the libtorch the module loaded: version, CPU threads, CUDA availability.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "NmrDevice")]
[OutputType(typeof(DeviceInfo))]
public sealed class GetNmrDeviceCommand : NmrCmdlet
{
    protected override void EndProcessing()
    {
        DeviceInfo? info = null;
        Run(() => info = TorchRuntime.Describe(), null);
        WriteObject(info);
    }
}
