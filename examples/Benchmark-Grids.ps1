<#
.SYNOPSIS
The paper's benchmark (presets A-H at SNR 20, 200, 2000, fixed noise seeds) acquired on the paper's grid and on
instrument grids, inverted by a U-Net model, Tikhonov with GCV and MTGV with its search, scored with chi (eq. 7).

.DESCRIPTION
Grids: Paper (64 x 64 log-spaced, t1 1 ms-10 s, t2 0.1 ms-1 s), Spinsolve (16 log-spaced inversion times 1 ms-3 s by
1024 echoes at 0.1 ms) and GeoSpec (32 log-spaced inversion times 1 ms-5 s by 2500 echoes at 0.2 ms). Every method
reconstructs on the paper's 64 x 64 relaxation grid. A model trained on a family of acquisition grids
(Start-NmrTraining -AnyAcquisitionGrid) reads each signal on its own grid; a model of one grid is given -Resample.

Writes <OutputPath>/<grid>-<method>.csv (one row per case: chi of the map and of both projections, seconds) and
<OutputPath>/grids.md (per grid: the table, and how many cases each network method wins against each baseline and
against all of them). The baselines do not depend on the model: with -Reuse, a baseline whose CSV exists for the same
cases and seed is read back instead of recomputed, from -OutputPath or else from the reference results committed in
examples/baselines (seed 1 on every grid, <grid>-<method>.csv; seeds 2-4 on the paper grid, Paper-<method>-seed<N>.csv,
whose Seconds were measured beside a training run; tests/pester/Baselines.Tests.ps1 recomputes some of their rows with
the current engine).

.EXAMPLE
dotnet pwsh ./examples/Benchmark-Grids.ps1 -ModelPath pretrained/model.pt -Reuse
#>
[CmdletBinding()]
param(
    [ValidateSet('Paper', 'Spinsolve', 'GeoSpec')] [string[]] $Grid = @('Paper', 'Spinsolve', 'GeoSpec'),
    # U-Net+DC: the network followed by its data-consistency step (Invoke-NmrUnetInversion -DataConsistency).
    [ValidateSet('U-Net', 'U-Net+DC', 'Tikhonov', 'MTGV')] [string[]] $Method = @('U-Net', 'Tikhonov', 'MTGV'),
    [string] $ModelPath,
    [string] $OutputPath = (Join-Path (Split-Path $PSScriptRoot) 'results/grids'),
    [int] $Seed = 1,
    [switch] $Reuse
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Split-Path $PSScriptRoot) 'NmrInversion.psd1') -Force
. (Join-Path $PSScriptRoot 'BenchmarkScores.ps1')
$inv = [cultureinfo]::InvariantCulture
New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null

if (-not $ModelPath) { $ModelPath = Join-Path (Split-Path $PSScriptRoot) 'pretrained/model.pt' }
$report = [System.Text.StringBuilder]::new()
[void]$report.AppendLine('# Benchmark on acquisition grids').AppendLine()
[void]$report.AppendLine("Presets A-H at SNR 20, 200, 2000, noise seed $Seed; maps on the paper's 64 x 64 relaxation grid; chi of the 2D map / T1 projection / T2 projection (paper eq. 7).").AppendLine()

foreach ($g in $Grid) {
    $spec = Get-BenchmarkGrid $g
    $signals = New-BenchmarkSignals -Grid $g -Seed $Seed
    $rows = @{}
    foreach ($m in $Method) {
        Write-Progress -Id 1 -Activity "Benchmark on the $g grid" -Status $m
        $resample = $m -like 'U-Net*' -and $g -ne 'Paper' -and -not (Get-Content ([IO.Path]::ChangeExtension($ModelPath, '.json')) -Raw | ConvertFrom-Json).AcquisitionFamily
        $rows[$m] = Invoke-BenchmarkMethod -Method $m -Signals $signals -Csv (Join-Path $OutputPath ("{0}-{1}.csv" -f $g, $m)) -Seed $Seed `
            -NameColumn Preset -Leading @{ Grid = $g } -ModelPath $ModelPath -Resample:$resample -Reuse:$Reuse -Label "$g / $m" `
            -Baseline (Join-Path $PSScriptRoot ("baselines/{0}-{1}{2}.csv" -f $g, $m, $(if ($Seed -ne 1) { "-seed$Seed" })))
    }
    Write-Progress -Id 1 -Activity "Benchmark on the $g grid" -Completed

    [void]$report.AppendLine("## $g grid: $($spec.Text)").AppendLine()
    $present = @($Method | Where-Object { $rows.Contains($_) })
    $networks = @($present | Where-Object { $_ -like 'U-Net*' })
    $baselines = @($present | Where-Object { $_ -notlike 'U-Net*' })
    [void]$report.AppendLine('| case | ' + ($present -join ' | ') + ' |')
    [void]$report.AppendLine('|---|' + (($present | ForEach-Object { '---' }) -join '|') + '|')
    $wins = @{}
    for ($i = 0; $i -lt $signals.Count; $i++) {
        $cells = foreach ($m in $present) {
            $r = $rows[$m][$i]
            '{0} / {1} / {2}' -f ([double]$r.Chi2D).ToString('G3', $inv), ([double]$r.ChiT1).ToString('G3', $inv), ([double]$r.ChiT2).ToString('G3', $inv)
        }
        $first = $rows[$present[0]][$i]
        [void]$report.AppendLine("| $($first.Preset) $($first.Snr) | " + ($cells -join ' | ') + ' |')
        foreach ($n in $networks) {
            foreach ($c in 'Chi2D', 'ChiT1', 'ChiT2') {
                $lowest = $true
                foreach ($m in $baselines) {
                    $key = "$n/$m/$c"
                    if (-not $wins.Contains($key)) { $wins[$key] = 0 }
                    if ([double]$rows[$n][$i].$c -lt [double]$rows[$m][$i].$c) { $wins[$key]++ } else { $lowest = $false }
                }
                if (-not $wins.Contains("$n/all/$c")) { $wins["$n/all/$c"] = 0 }
                if ($lowest) { $wins["$n/all/$c"]++ }
            }
        }
    }
    [void]$report.AppendLine()
    foreach ($n in $networks) {
        foreach ($m in $baselines) {
            $line = "$n below $m in {0}/24 2D cases, {1}/24 T1 and {2}/24 T2 projections." -f $wins["$n/$m/Chi2D"], $wins["$n/$m/ChiT1"], $wins["$n/$m/ChiT2"]
            [void]$report.AppendLine($line).AppendLine()
            Write-Host "$g grid: $line"
        }
        if ($baselines.Count -gt 1) {
            $line = "$n below every baseline ($($baselines -join ', ')) in {0}/24 2D cases, {1}/24 T1 and {2}/24 T2 projections." -f $wins["$n/all/Chi2D"], $wins["$n/all/ChiT1"], $wins["$n/all/ChiT2"]
            [void]$report.AppendLine($line).AppendLine()
            Write-Host "$g grid: $line"
        }
    }
}
$path = Join-Path $OutputPath 'grids.md'
Set-Content -Path $path -Value $report.ToString() -Encoding utf8
Write-Host "Report: $path"
