# Dot-sourced by Benchmark-Grids.ps1 and Benchmark-HeldOut.ps1: one method over one set of signals, scored with chi.

<#
.SYNOPSIS
Inverts -Signals with -Method (U-Net, U-Net+DC, Tikhonov or MTGV), scores every result with Measure-NmrChi and writes
one CSV row per signal to -Csv: the -Leading columns, Method, the signal's name under -NameColumn, Snr, Seed, chi of
the 2D map and both projections, misfit and seconds. With -Reuse, a baseline (not a network method) whose CSV already
holds a row of the same seed for every signal is read back instead. -Label prefixes the progress lines.
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
        [string] $Label = $Method
    )
    $inv = [cultureinfo]::InvariantCulture
    if ($Reuse -and $Method -notlike 'U-Net*' -and (Test-Path $Csv)) {
        $old = @(Import-Csv $Csv)
        if ($old.Count -eq $Signals.Count -and @($old | Where-Object { [int]$_.Seed -ne $Seed }).Count -eq 0) {
            Write-Host "${Label}: reused $Csv"
            return , $old
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
