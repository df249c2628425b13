<#
.SYNOPSIS
Held-out comparison on random maps of the training recipe: the median chi of the U-Net against Tikhonov with GCV and
MTGV with its search, with each method's data misfit.

.DESCRIPTION
Draws -Count random maps with New-NmrDistribution -Random (the training recipe: 1-5 lognormal components, log
standard deviations 0.025-0.25; seed -Seed, which no training run uses for its maps: training streams derive every
sample from their own seed and index) and acquires each on the paper's grid at SNR 20, 200 and 2000 with fixed noise
seeds, so 3 x Count signals. Every method inverts the same signals. Writes <OutputPath>/heldout-<method>.csv (one row
per signal: map, SNR, chi of the 2D map and both projections, misfit, seconds) and <OutputPath>/heldout.md (medians
per SNR and over all signals, and how often each network method is below each baseline).

Baselines do not depend on the model: with -Reuse, a method whose CSV exists for the same maps, SNRs and seed is read
back, from -OutputPath or else from the reference results committed in examples/baselines (Count 200, seed 7000001;
tests/pester/Baselines.Tests.ps1 recomputes some of their rows with the current engine). MTGV takes about 11 s per
signal on one core (600 signals: about 2 hours), so it has its own switch.

.EXAMPLE
dotnet pwsh ./examples/Benchmark-HeldOut.ps1 -ModelPath pretrained/model.pt -Method U-Net, U-Net+DC, Tikhonov -Reuse
#>
[CmdletBinding()]
param(
    [ValidateSet('U-Net', 'U-Net+DC', 'Tikhonov', 'MTGV')] [string[]] $Method = @('U-Net', 'Tikhonov'),
    [string] $ModelPath,
    [ValidateRange(1, 100000)] [int] $Count = 200,
    [int] $Seed = 7000001,
    [string] $OutputPath = (Join-Path (Split-Path $PSScriptRoot) 'results/heldout'),
    [switch] $Reuse
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Split-Path $PSScriptRoot) 'NmrInversion.psd1') -Force
. (Join-Path $PSScriptRoot 'BenchmarkScores.ps1')
$inv = [cultureinfo]::InvariantCulture
New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
if (-not $ModelPath) { $ModelPath = Join-Path (Split-Path $PSScriptRoot) 'pretrained/model.pt' }

$snrs = 20, 200, 2000
$signals = New-HeldOutSignals -Count $Count -Seed $Seed
Write-Host "Held-out set: $Count random maps (seed $Seed) x SNR $($snrs -join ', ') = $($signals.Count) signals"

$rows = [ordered]@{}
foreach ($m in $Method) {
    Write-Progress -Id 1 -Activity 'Held-out benchmark' -Status $m
    $rows[$m] = Invoke-BenchmarkMethod -Method $m -Signals $signals -Csv (Join-Path $OutputPath "heldout-$m.csv") -Seed $Seed `
        -NameColumn Map -ModelPath $ModelPath -Reuse:$Reuse `
        -Baseline (Join-Path $PSScriptRoot "baselines/heldout-$m.csv")
}
Write-Progress -Id 1 -Activity 'Held-out benchmark' -Completed

function Get-Median([double[]] $v) {
    if ($v.Count -eq 0) { return [double]::NaN }
    [NmrInversion.Engine.Signals.NoiseEstimation]::Median($v)
}

$md = [System.Text.StringBuilder]::new()
[void]$md.AppendLine('# Held-out random maps').AppendLine()
[void]$md.AppendLine("$Count maps of the training recipe (seed $Seed) on the paper's grid at SNR $($snrs -join ', '): $($signals.Count) signals. Medians of chi (2D / T1 / T2) and of the misfit (residual per point over the noise level).").AppendLine()
[void]$md.AppendLine('| SNR | ' + (@($rows.Keys) -join ' | ') + ' |')
[void]$md.AppendLine('|---|' + ((@($rows.Keys) | ForEach-Object { '---' }) -join '|') + '|')
$summary = foreach ($snr in @($snrs) + 'all') {
    $cells = foreach ($m in $rows.Keys) {
        $set = @($rows[$m] | Where-Object { $snr -eq 'all' -or [double]$_.Snr -eq $snr })
        $med = @{}
        foreach ($c in 'Chi2D', 'ChiT1', 'ChiT2', 'Misfit') { $med[$c] = Get-Median ([double[]]($set | ForEach-Object { [double]::Parse($_.$c, $inv) })) }
        [pscustomobject]@{ Snr = $snr; Method = $m; Chi2D = $med.Chi2D; ChiT1 = $med.ChiT1; ChiT2 = $med.ChiT2; Misfit = $med.Misfit }
        '{0} / {1} / {2} (misfit {3})' -f $med.Chi2D.ToString('G3', $inv), $med.ChiT1.ToString('G3', $inv), $med.ChiT2.ToString('G3', $inv), $med.Misfit.ToString('G3', $inv)
    }
    [void]$md.AppendLine("| $snr | " + (@($cells | Where-Object { $_ -is [string] }) -join ' | ') + ' |')
    $cells | Where-Object { $_ -isnot [string] }
}
[void]$md.AppendLine()
$networks = @($rows.Keys | Where-Object { $_ -like 'U-Net*' })
$baselines = @($rows.Keys | Where-Object { $_ -notlike 'U-Net*' })
foreach ($n in $networks) {
    foreach ($b in $baselines) {
        $below = 0
        for ($i = 0; $i -lt $signals.Count; $i++) { if ([double]::Parse($rows[$n][$i].Chi2D, $inv) -lt [double]::Parse($rows[$b][$i].Chi2D, $inv)) { $below++ } }
        $line = "$n below $b in $below of $($signals.Count) signals (2D chi)."
        [void]$md.AppendLine($line).AppendLine()
        Write-Host $line
    }
}
Set-Content -Path (Join-Path $OutputPath 'heldout.md') -Value $md.ToString() -Encoding utf8
$summary | Format-Table Snr, Method, @{ n = 'Chi2D'; e = { $_.Chi2D.ToString('G3', $inv) } }, @{ n = 'ChiT1'; e = { $_.ChiT1.ToString('G3', $inv) } },
    @{ n = 'ChiT2'; e = { $_.ChiT2.ToString('G3', $inv) } }, @{ n = 'Misfit'; e = { $_.Misfit.ToString('G3', $inv) } } -AutoSize | Out-String | Write-Host
Write-Host "Report: $(Join-Path $OutputPath 'heldout.md')"
