# A lab's day on the real instrument files of tests/data/nmrinversions-jl: the instrument files come in by folder tree
# (one signal per measurement), the three plain CSVs with their -Experiment; each measurement is inverted with
# Tikhonov and MTGV (a result piped on is re-inverted), summarised with Measure-NmrDistribution, written as one CSV
# table (a row per sample and method) and read back, and written up as one HTML report that a real browser opens.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
    . (Join-Path $PSScriptRoot 'HeadlessBrowser.ps1')
    $data = Join-Path $root 'tests/data/nmrinversions-jl'
    $day = Join-Path $TestDrive 'day'
    New-Item -ItemType Directory -Path $day -Force | Out-Null

    # Morning: the day's measurements.
    $trees = 'spinsolve_txt', 'geospec_txt', 'bruker', 'tecmag_tnt' | ForEach-Object { Join-Path $data $_ }
    $script:signals = @(Get-ChildItem -Recurse $trees | Import-NmrSignal -ErrorVariable importErrors)
    $script:importErrors = $importErrors
    $script:signals += Import-NmrSignal (Join-Path $data 'csv/IR_sandstone.csv') -Experiment T1
    $script:signals += Import-NmrSignal (Join-Path $data 'csv/CPMG_graphene.csv') -Experiment T2
    $script:signals += Import-NmrSignal (Join-Path $data 'csv/PFG_water.csv') -Experiment D -BUnit ms/um2

    # Inversions: Tikhonov, then MTGV on the same data (the results piped on), two at a time.
    $script:tikhonov = @(Invoke-NmrTikhonov -Signal $signals -ThrottleLimit 2 -WarningAction SilentlyContinue)
    $script:mtgv = @($tikhonov | Invoke-NmrMtgv -ThrottleLimit 2 -WarningAction SilentlyContinue)
    $script:results = $tikhonov + $mtgv

    # The table: one row per sample and method, with a T2 cutoff of 33 ms where the map has T2 (else its own axis).
    $script:table = Join-Path $day 'summary.csv'
    $results | Measure-NmrDistribution -Cutoff 0.033 | Export-Csv $table -NoTypeInformation
    $script:rows = @(Import-Csv $table)

    # Evening: the day's report beside the table.
    $script:report = Join-Path $day 'report.html'
    $results | Export-NmrReport -Path $report -Title 'A day of measurements' | Out-Null
}

Describe 'A day of measurements' {
    It 'imports the tree and the CSVs as one signal per measurement, names kept' {
        $importErrors | Should -BeNullOrEmpty
        $signals.Count | Should -Be 10
        $signals.Name | Sort-Object | Should -Be (@('IRCPMG', 'PFGCPMG', 'CPMG_bunter', 'IR_bunter', 'cpmg', 'CPMG_silicon_oil', 'IR_silicon_oil',
            'IR_sandstone', 'CPMG_graphene', 'PFG_water') | Sort-Object)
        foreach ($s in $signals) { Test-Path -LiteralPath $s.SourceFile | Should -BeTrue -Because "$($s.Name) names its file" }
    }

    It 'inverts every measurement with both methods, on the same signals' {
        $tikhonov.Count | Should -Be 10
        $mtgv.Count | Should -Be 10
        for ($i = 0; $i -lt 10; $i++) {
            $tikhonov[$i].Name | Should -Be $signals[$i].Name
            [object]::ReferenceEquals($mtgv[$i].Signal, $tikhonov[$i].Signal) | Should -BeTrue
        }
    }

    It 'writes one row per sample and method with method, alpha, misfit, log-means, cutoff fractions and warnings' {
        $rows.Count | Should -Be 20
        $columns = $rows[0].PSObject.Properties.Name
        foreach ($c in 'Name', 'SourceFile', 'Method', 'Alpha', 'Beta', 'Misfit', 'NoiseLevel', 'Amplitude', 'LogMeanT1', 'LogMeanT2', 'LogMeanD',
            'CutoffAxis', 'FractionBelow', 'FractionAbove', 'Warnings') { $columns | Should -Contain $c }
        @($rows | Group-Object Name, Method | Where-Object Count -ne 1) | Should -BeNullOrEmpty -Because 'each sample and method once'
        @($rows | Where-Object Method -eq 'Tikhonov').Count | Should -Be 10
        @($rows | Where-Object Method -eq 'MTGV').Count | Should -Be 10
        foreach ($row in $rows) {
            $r = $results | Where-Object { $_.Name -eq $row.Name -and $_.Method -eq $row.Method }
            [double]$row.Alpha | Should -Be $r.Alpha
            [double]$row.Misfit | Should -Be $r.Misfit
            $row.SourceFile | Should -Be $r.SourceFile
            $row.Warnings | Should -Be (($r.Warnings | ForEach-Object Id) -join ';')
            if ($row.Method -eq 'MTGV') { [double]$row.Beta | Should -BeGreaterThan 0 } else { $row.Beta | Should -Be '' }
            $below = [double]$row.FractionBelow
            $below | Should -BeGreaterOrEqual 0
            $below | Should -BeLessOrEqual 1
            [double]$row.FractionAbove | Should -Be (1 - $below)
        }
    }

    It 'has the log-mean of each axis a measurement has, and only those' {
        foreach ($row in $rows) {
            $experiment = ($signals | Where-Object Name -eq $row.Name).Experiment.ToString()
            ($row.LogMeanT1 -ne '') | Should -Be ($experiment -in 'T1', 'T1T2', 'T1D') -Because "$($row.Name) is $experiment"
            ($row.LogMeanT2 -ne '') | Should -Be ($experiment -in 'T2', 'T1T2', 'DT2', 'T2T2')
            ($row.LogMeanD -ne '') | Should -Be ($experiment -in 'D', 'DT2', 'T1D')
        }
        # Water at room temperature diffuses at about 2.0e-9 to 2.3e-9 m^2/s: the PFG water's log-mean D says so.
        $water = $rows | Where-Object { $_.Name -eq 'PFG_water' -and $_.Method -eq 'Tikhonov' }
        [double]$water.LogMeanD | Should -BeGreaterThan 1.5e-9
        [double]$water.LogMeanD | Should -BeLessThan 3e-9
        $water.CutoffAxis | Should -Be 'D'
    }

    It "writes the day's report, and a headless browser finds every sample, every row and every image in it" {
        $chromium = Get-Chromium
        if (-not $chromium) {
            Set-ItResult -Skipped -Because 'no chromium on this machine (CI installs it: apt-get install chromium)'
            return
        }
        $check = @'
<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var names = Array.prototype.map.call(document.querySelectorAll('section.sample h2'), function (h) { return h.textContent; });
  var out = document.createElement('pre');
  out.id = 'day-check';
  out.textContent = 'images ' + imgs.length + ' decoded ' + ok.length + ' rows ' + document.querySelectorAll('#overview-table tbody tr').length +
    ' samples ' + names.join('|');
  document.body.appendChild(out);
});
</script>
'@
        $dom = Get-CheckedDom $chromium (Get-Content $report -Raw) $check $TestDrive 'day-probe' -TimeBudget 20000
        $m = [regex]::Match($dom, '<pre id="day-check">images (\d+) decoded (\d+) rows (\d+) samples ([^<]*)</pre>')
        $m.Success | Should -BeTrue -Because "the check wrote its result into the DOM (got $($dom.Length) characters)"
        [int]$m.Groups[1].Value | Should -Be 40 -Because 'a map and a fit figure for each of 20 results'
        [int]$m.Groups[2].Value | Should -Be 40
        [int]$m.Groups[3].Value | Should -Be 20
        $m.Groups[4].Value -split '\|' | Sort-Object | Should -Be ($signals.Name | Sort-Object)
    }
}
