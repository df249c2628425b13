# Dot-sourced by Benchmark-Grids.ps1 and Benchmark-HeldOut.ps1: the benchmark's signals, and one method over a set of
# signals scored with chi.

# The benchmark's acquisition grids: the paper's, and a Spinsolve-like and a GeoSpec-like one (CPMG echo trains).
function Get-BenchmarkGrid {
    param([Parameter(Mandatory)] [ValidateSet('Paper', 'Spinsolve', 'GeoSpec')] [string] $Name)
    $logSpace = { param($a, $b, $n) [NmrInversion.Engine.Grids.Axis]::LogSpace($a, $b, $n) }
    $echoes = { param($n, $dt) [double[]](1..$n | ForEach-Object { $_ * $dt }) }
    switch ($Name) {
        'Paper' { @{ Axis1 = & $logSpace 1e-3 10 64; Axis2 = & $logSpace 1e-4 1 64; Text = '64 x 64 log-spaced (paper)' } }
        'Spinsolve' { @{ Axis1 = & $logSpace 1e-3 3 16; Axis2 = & $echoes 1024 1e-4; Text = '16 inversion times 1 ms-3 s x 1024 echoes at 0.1 ms' } }
        'GeoSpec' { @{ Axis1 = & $logSpace 1e-3 5 32; Axis2 = & $echoes 2500 2e-4; Text = '32 inversion times 1 ms-5 s x 2500 echoes at 0.2 ms' } }
    }
}

# The paper's benchmark on one grid: presets A-H, each at SNR 20, 200 and 2000 (noise seed -Seed), 24 signals in that order.
function New-BenchmarkSignals {
    param([Parameter(Mandatory)] [string] $Grid, [int] $Seed = 1)
    $spec = Get-BenchmarkGrid $Grid
    @(New-NmrDistribution -Preset A, B, C, D, E, F, G, H | New-NmrSignal -Snr 20, 200, 2000 -Seed $Seed -AcquisitionAxis1 $spec.Axis1 -AcquisitionAxis2 $spec.Axis2)
}

# The held-out set: -Count random maps of the training recipe (seed -Seed), each at SNR 20, 200 and 2000 on the paper's grid.
function New-HeldOutSignals {
    param([int] $Count = 200, [int] $Seed = 7000001)
    @(New-NmrDistribution -Random -Count $Count -Seed $Seed | New-NmrSignal -Snr 20, 200, 2000 -Seed $Seed)
}

# True when CSV rows hold one row per signal, in order: the same signal name (-NameColumn), SNR and seed.
function Test-BaselineRows {
    param([object[]] $Rows, [object[]] $Signals, [int] $Seed, [string] $NameColumn)
    if ($Rows.Count -ne $Signals.Count) { return $false }
    for ($i = 0; $i -lt $Rows.Count; $i++) {
        $r = $Rows[$i]; $s = $Signals[$i]
        if ([int]$r.Seed -ne $Seed -or $r.$NameColumn -cne $s.Name) { return $false }
        if ([double]::Parse($r.Snr, [cultureinfo]::InvariantCulture) -ne [double]$s.Snr) { return $false }
    }
    $true
}

<#
.SYNOPSIS
Inverts -Signals with -Method (U-Net, U-Net+DC, Tikhonov or MTGV), scores every result with Measure-NmrChi and writes
one CSV row per signal to -Csv: the -Leading columns, Method, the signal's name under -NameColumn, Snr, Seed, chi of
the 2D map and both projections, misfit and seconds. With -Reuse, a baseline (not a network method) is read back
instead of recomputed when -Csv, or else the committed reference -Baseline (examples/baselines), holds one row per
signal in the same order: same signal name, SNR and seed. A reference that is read back is copied to -Csv.
-Label prefixes the progress lines.
#>
function Invoke-BenchmarkMethod {
    param(
        [Parameter(Mandatory)] [string] $Method,
        [Parameter(Mandatory)] [object[]] $Signals,
        [Parameter(Mandatory)] [string] $Csv,
        [Parameter(Mandatory)] [int] $Seed,
        [Parameter(Mandatory)] [string] $NameColumn,
        [System.Collections.IDictionary] $Leading = @{},
        [string] $ModelPath,
        [switch] $Resample,
        [switch] $Reuse,
        [string] $Baseline,
        [string] $Label = $Method
    )
    $inv = [cultureinfo]::InvariantCulture
    if ($Reuse -and $Method -notlike 'U-Net*') {
        foreach ($candidate in @($Csv, $Baseline)) {
            if (-not $candidate -or -not (Test-Path $candidate)) { continue }
            $old = @(Import-Csv $candidate)
            if (Test-BaselineRows -Rows $old -Signals $Signals -Seed $Seed -NameColumn $NameColumn) {
                if ($candidate -ne $Csv) { Copy-Item $candidate $Csv -Force }
                Write-Host "${Label}: reused $candidate"
                return , $old
            }
        }
    }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $results = switch ($Method) {
        { $_ -like 'U-Net*' } { @($Signals | Invoke-NmrUnetInversion -ModelPath $ModelPath -Resample:$Resample -DataConsistency:($Method -eq 'U-Net+DC') -WarningAction SilentlyContinue) }
        'Tikhonov' { @($Signals | Invoke-NmrTikhonov -WarningAction SilentlyContinue) }
        'MTGV' { @($Signals | Invoke-NmrMtgv -WarningAction SilentlyContinue) }
        default { throw "Unknown method '$Method'." }
    }
    $sw.Stop()
    $k = 0
    $rows = @($results | Measure-NmrChi | ForEach-Object {
            $r = $results[$k]; $k++
            $row = [ordered]@{}
            foreach ($key in $Leading.Keys) { $row[$key] = $Leading[$key] }
            $row.Method = $Method; $row[$NameColumn] = $r.Name; $row.Snr = $r.Snr; $row.Seed = $Seed
            $row.Chi2D = $_.Chi2D.ToString('G6', $inv); $row.ChiT1 = $_.ChiT1.ToString('G6', $inv); $row.ChiT2 = $_.ChiT2.ToString('G6', $inv)
            $row.Misfit = $r.Misfit.ToString('G4', $inv); $row.Seconds = $r.Seconds.ToString('G4', $inv)
            [pscustomobject]$row
        })
    $rows | Export-Csv $Csv -NoTypeInformation -Encoding utf8
    Write-Host ("{0}: {1} signals in {2:F1} s" -f $Label, $Signals.Count, $sw.Elapsed.TotalSeconds)
    , $rows
}
