<#
.SYNOPSIS
    Ships a trained model as the module's default network: copies it into pretrained/ and re-pins its regression test.
.DESCRIPTION
    Copies <ModelPath> (weights) and its model card into pretrained/model.pt + model.json (and, for a model of two
    networks, its high-SNR weights into pretrained/model-high-snr.pt), with the card's name, weights files and SHA-256
    rewritten and its loss description regenerated from the recipe it was trained with. Then measures
    the shipped model's 2D chi at SNR 200 and at SNR 20 on presets A-H (the benchmark's signals, exactly as
    Reproduce-Paper.ps1 and tests/pester/Pretrained.Tests.ps1 make them; with two networks, each network's) and writes
    those sixteen numbers into the test's pinned tables, so any later
    change that alters what the shipped model returns fails CI. Refuses to replace a shipped model without -Force.
    Run it in a fresh pwsh after 'dotnet pwsh ./build.ps1'; then update pretrained/README.md (the human model card).
.EXAMPLE
    dotnet pwsh -NoProfile -File examples/Publish-Model.ps1 -ModelPath runs/logchi16/model.pt -Name 'T1-T2 U-Net, any acquisition grid' -Force
#>
param(
    [Parameter(Mandatory)] [string] $ModelPath,
    [Parameter(Mandatory)] [string] $Name,
    [switch] $Force
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
Import-Module (Join-Path $root 'NmrInversion.psd1') -Force

$source = (Resolve-Path $ModelPath).Path
$sourceCard = [NmrInversion.Engine.Network.ModelCard]::CardPathFor($source)
if (-not (Test-Path $sourceCard)) { throw "The model $source has no model card ($sourceCard)." }
$target = Join-Path $root 'pretrained'
$weights = Join-Path $target 'model.pt'
if ((Test-Path $weights) -and -not $Force) { throw "pretrained/ already holds a model; add -Force to replace it." }

# The model must load and invert before it ships.
$null = New-NmrDistribution -Preset C | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrUnetInversion -ModelPath $source -WarningAction SilentlyContinue

Copy-Item $source $weights -Force
$card = [NmrInversion.Engine.Network.ModelCard]::Load($sourceCard)
$card.Name = $Name
$card.WeightsFile = 'model.pt'
$card.WeightsSha256 = [NmrInversion.Engine.Network.ModelCard]::Sha256Of($weights)
# A model of two networks (examples/Join-SnrGatedModel.ps1) brings its high-SNR weights; a model of one leaves none behind.
$highWeights = Join-Path $target 'model-high-snr.pt'
if ($card.HighSnrNetwork) {
    Copy-Item $card.HighSnrWeightsPathBeside($sourceCard) $highWeights -Force
    $card.HighSnrNetwork.WeightsFile = 'model-high-snr.pt'
    $card.HighSnrNetwork.WeightsSha256 = [NmrInversion.Engine.Network.ModelCard]::Sha256Of($highWeights)
}
elseif (Test-Path $highWeights) { Remove-Item $highWeights }
$card.Inputs = [NmrInversion.Engine.Network.InputCard]::Of($card.Inputs.ToSpec(), $card.Training.Loss)
$card.Save((Join-Path $target 'model.json'))

# Pin: the same signals and calls as tests/pester/Pretrained.Tests.ps1 (no -ModelPath: the shipped model).
$signals = New-NmrDistribution -Preset A, B, C, D, E, F, G, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
# Eight values at SNR 200 and, since a model of two networks inverts them with its main network, eight at SNR 20.
function Get-PinnedChi([double] $Snr) {
    $results = @($signals | Where-Object Snr -EQ $Snr) | Invoke-NmrUnetInversion -WarningAction SilentlyContinue
    if (@($results | Where-Object ModelPath -NE $weights).Count) { throw "The default network is not $weights." }
    $pins = $results | Measure-NmrChi | ForEach-Object { '{0} = {1}' -f $_.Preset, $_.Chi2D.ToString('R', [cultureinfo]::InvariantCulture) }
    if (@($pins).Count -ne 8) { throw "Expected eight pinned values at SNR $Snr, got: $pins" }
    $pins
}
$pins = Get-PinnedChi 200
$pins20 = Get-PinnedChi 20
$test = Join-Path $root 'tests/pester/Pretrained.Tests.ps1'
$text = Get-Content $test -Raw
foreach ($table in @(@{ Name = 'pinned'; Pins = $pins }, @{ Name = 'pinned20'; Pins = $pins20 })) {
    $pattern = '(?s)(\$script:' + $table.Name + ' = \[ordered\]@\{\s*\r?\n\s*).*?(\r?\n\s*\})'
    if ($text -notmatch $pattern) { throw "The pinned table $($table.Name) was not found in $test." }
    $text = [regex]::Replace($text, $pattern, { param($m) $m.Groups[1].Value + ($table.Pins -join '; ') + $m.Groups[2].Value })
}
Set-Content $test $text -NoNewline
[pscustomobject]@{ Weights = $weights; Sha256 = $card.WeightsSha256; Pinned = $pins -join '; '; Pinned20 = $pins20 -join '; ' }
