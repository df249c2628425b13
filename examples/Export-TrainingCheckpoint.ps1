<#
.SYNOPSIS
    Writes the latest checkpoint of a training run as a model (weights and card), without stopping or finishing the run.
.DESCRIPTION
    A run of Start-NmrTraining (or Train-Network.ps1) keeps its latest checkpoint in its run folder, every
    -CheckpointMinutes. This writes that checkpoint as a model that Invoke-NmrUnetInversion -ModelPath,
    Join-SnrGatedModel.ps1 and Publish-Model.ps1 take: -OutputPath (a card NAME.json) and NAME.pt beside it. The card is
    the run's (recipe, architecture, inputs, grid, initial weights) at the checkpoint's step, samples and wall time, with
    validation and test figures measured now on the run's own fixed sets, exactly as the run measures them when it ends;
    Training.Completed says whether the run had reached its sample horizon. The run may go on training meanwhile.
    Refuses to replace files without -Force.
.EXAMPLE
    dotnet pwsh -NoProfile -File examples/Export-TrainingCheckpoint.ps1 -RunDirectory runs/stage9n -OutputPath runs/stage9n-now/model.json
#>
param(
    [Parameter(Mandatory)] [string] $RunDirectory,
    # The model card to write (NAME.json; a NAME.pt path means the same model).
    [Parameter(Mandatory)] [string] $OutputPath,
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Split-Path $PSScriptRoot) 'NmrInversion.psd1') -Force
$out = [NmrInversion.Engine.Network.ModelCard]::CardPathFor($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath))
$card = [NmrInversion.Engine.Network.Trainer]::ExportCheckpoint(
    $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($RunDirectory), $out, $Force.IsPresent)
[pscustomobject]@{
    Card = $out; Weights = Join-Path (Split-Path $out) $card.WeightsFile; Steps = $card.Training.Steps; Samples = $card.Training.Samples
    Hours = [math]::Round($card.Training.Seconds / 3600, 2); Completed = $card.Training.Completed
    ValidationLoss = $card.Validation.Loss; TestMedianChi2D = $card.Test.MedianChi2D
}
