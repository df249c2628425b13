<#
.SYNOPSIS
    Makes a model of two networks: one for signals below a gate SNR, one for signals at or above it.
.DESCRIPTION
    Writes <OutputPath> (a model card NAME.json) with NAME.pt, the weights of -ModelPath (copied as they are, or in
    float16 with -MainPrecision float16), and NAME-high-snr.pt, the weights of -HighSnrModelPath (float16 by default:
    half the file, run in float32). Both models must have the same inputs, grids and acquisition family; their widths
    may differ (a wider high-SNR network, for example: the card records its own architecture). Invoke-NmrUnetInversion then reads each
    signal's SNR from its noise estimate (the SNR of a 64 x 64 signal carrying the same information, as the networks'
    noise channel encodes it) and inverts it with the high-SNR network from -GateSnr up, with the other below; each
    result says which (HighSnrNetwork, EstimatedSnr). Refuses to replace files without -Force.
.EXAMPLE
    dotnet pwsh -NoProfile -File examples/Join-SnrGatedModel.ps1 -ModelPath runs/wide32/model.pt -HighSnrModelPath runs/narrow/model.pt -GateSnr 100 -OutputPath runs/gated/model.json
#>
param(
    [Parameter(Mandatory)] [string] $ModelPath,
    [Parameter(Mandatory)] [string] $HighSnrModelPath,
    [Parameter(Mandatory)] [ValidateRange(1e-3, 1e9)] [double] $GateSnr,
    [Parameter(Mandatory)] [string] $OutputPath,
    [ValidateSet('float16', 'float32')] [string] $Precision = 'float16',
    # The main network's weights: float32 as trained, or float16 (half the file; the two networks may then be wider
    # and still stay under the 50 MB of a shipped model).
    [ValidateSet('float32', 'float16')] [string] $MainPrecision = 'float32',
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Split-Path $PSScriptRoot) 'NmrInversion.psd1') -Force
$card = [NmrInversion.Engine.Network.SnrGatedModel]::Write(
    [NmrInversion.Engine.Network.ModelCard]::CardPathFor((Resolve-Path $ModelPath).Path),
    [NmrInversion.Engine.Network.ModelCard]::CardPathFor((Resolve-Path $HighSnrModelPath).Path),
    $GateSnr, [NmrInversion.Engine.Network.ModelCard]::CardPathFor($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)),
    $Precision, $Force.IsPresent, $MainPrecision)
[pscustomobject]@{
    Card = $OutputPath; Weights = $card.WeightsFile; MainPrecision = $card.Precision; HighSnrWeights = $card.HighSnrNetwork.WeightsFile
    GateSnr = $card.HighSnrNetwork.Snr; Precision = $card.HighSnrNetwork.Precision; HighSnrArchitecture = $card.HighSnrArchitecture
}
