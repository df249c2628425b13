<#
.SYNOPSIS
    Trains the U-Net with the recipe defaults in a run folder, resumably; suited to a long background job.
.DESCRIPTION
    Imports the module from this repository and calls Start-NmrTraining: paper grid (T1-T2, 64 x 64), recipe inputs
    (filtered estimates + noise channel, chi loss), 16 base channels, depth 4, batch 32, Adam 1e-3 -> 1e-6 (cosine over
    -Samples), checkpoints every -CheckpointMinutes. Run it again with the same -RunDirectory to resume after a stop
    (Ctrl+C, kill, reboot): it picks up the checkpoint and continues bit-for-bit.
    The model is written as <RunDirectory>/model.pt + model.json; training-log.csv holds the losses.
.EXAMPLE
    nohup dotnet pwsh -NoProfile -File examples/Train-Network.ps1 -RunDirectory runs/recipe16 -Samples 2000000 -Hours 6 > runs/recipe16.out 2>&1 &
.EXAMPLE
    dotnet pwsh -NoProfile -File examples/Train-Network.ps1 -RunDirectory runs/recipe16 -Hours 2   # resume the same run for 2 more hours
#>
param(
    [Parameter(Mandatory)] [string] $RunDirectory,
    # Planned total samples: the learning-rate horizon (the cosine reaches 1e-6 there).
    [long] $Samples = 2000000,
    # Wall-clock limit of this session; the run can be resumed afterwards.
    [double] $Hours = 0,
    [int] $CheckpointMinutes = 5,
    [int] $BaseChannels = 16,
    [ValidateSet('Recipe', 'Paper')] [string] $Inputs = 'Recipe',
    [switch] $IncludeSignalChannel,
    # One network for every T1-T2 acquisition grid of the instrument family (recipe inputs without the signal channel).
    [switch] $AnyAcquisitionGrid,
    # Dropout after the bridge (0.5: the paper's U-Net; fresh samples every step make 0 a sound choice).
    [double] $Dropout = 0.5,
    # Shape of the chi loss: Chi (batch mean) or LogChi (batch mean of log(chi + 0.05), scale-free across SNR).
    [ValidateSet('Chi', 'LogChi')] [string] $Loss = 'Chi',
    # Fraction of training maps drawn as a close pair of peaks instead of the 1-5 component recipe (0: the paper's recipe).
    [double] $ClosePairFraction = 0,
    # Largest log standard deviation of the close pairs (0.25: the recipe's; 0.1: narrow pairs like presets A-C).
    [double] $ClosePairMaxLogSd = 0.25,

    [double] $ClosePairMinSnr,
    # Training SNR range, log-uniform (10..10000: the paper's); validation and test stay on the paper's range.
    [double] $MinSnr = 10,
    [double] $MaxSnr = 1e4,
    # Start a new run from these weights, e.g. another run's model.pt: the same architecture, or fewer base channels
    # (widened); several models of one architecture: from the average of their parameters.
    [string[]] $InitialModel,
    # Initial learning rate of the cosine (lower it when starting from -InitialModel).
    [double] $LearningRate = 1e-3,
    [int] $Seed = 1,
    [int] $Threads = 0
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../NmrInversion.psd1') -Force

$common = @{ CheckpointInterval = [TimeSpan]::FromMinutes($CheckpointMinutes); Verbose = $true }
if ($Hours -gt 0) { $common.Duration = [TimeSpan]::FromHours($Hours) }
if ($Threads -gt 0) { $common.Threads = $Threads }

if (Test-Path (Join-Path $RunDirectory 'checkpoint.json')) {
    Write-Host "Resuming the run in $RunDirectory"
    # -Samples on a resume moves the learning-rate horizon (a warm restart of the cosine when it grows).
    if ($PSBoundParameters.ContainsKey('Samples')) { $common.Samples = $Samples }
    $run = Start-NmrTraining -RunDirectory $RunDirectory -Resume @common
} else {
    if ($InitialModel) { $common.InitialModel = $InitialModel }
    # Passed only when given, so that the card of a run without it records the recipe's default (null).
    if ($PSBoundParameters.ContainsKey('ClosePairMaxLogSd')) { $common.ClosePairMaxLogSd = $ClosePairMaxLogSd }
    if ($PSBoundParameters.ContainsKey('ClosePairMinSnr')) { $common.ClosePairMinSnr = $ClosePairMinSnr }
    $run = Start-NmrTraining -RunDirectory $RunDirectory -Samples $Samples -Inputs $Inputs -IncludeSignalChannel:$IncludeSignalChannel `
        -AnyAcquisitionGrid:$AnyAcquisitionGrid -Dropout $Dropout -Loss $Loss -ClosePairFraction $ClosePairFraction `
        -MinSnr $MinSnr -MaxSnr $MaxSnr -BaseChannels $BaseChannels -Depth 4 -BatchSize 32 -LearningRate $LearningRate -MinLearningRate 1e-6 -Seed $Seed `
        -ValidationInterval 500 -ValidationSize 512 -TestSize 1024 @common
}
$run | Format-List RunDirectory, ModelPath, Steps, SamplesSeen, Seconds, SamplesPerSecond, FinalTrainingLoss, FinalValidationLoss, BestValidationLoss, Completed
$run.Test | Format-List
