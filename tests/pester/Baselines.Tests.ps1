# The reference results in examples/baselines (Tikhonov with GCV and MTGV with its search on the benchmark's signals)
# are read back by Benchmark-Grids.ps1 and Benchmark-HeldOut.ps1 with -Reuse instead of hours of recomputation. They
# are only worth that if the current engine still produces them: recompute rows of every file and compare the digits.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
    . (Join-Path $root 'examples/BenchmarkScores.ps1')
    $script:baselines = Join-Path $root 'examples/baselines'
    $script:inv = [cultureinfo]::InvariantCulture

    # Inverts the signals at -Index with -Method and compares chi (2D, T1, T2) with the rows of the reference CSV.
    function Assert-BaselineRows([string] $File, [object[]] $Signals, [int[]] $Index, [string] $NameColumn) {
        $rows = @(Import-Csv (Join-Path $script:baselines $File))
        $rows.Count | Should -Be $Signals.Count
        foreach ($i in $Index) {
            $row = $rows[$i]
            $row.$NameColumn | Should -BeExactly $Signals[$i].Name
            [double]::Parse($row.Snr, $script:inv) | Should -Be $Signals[$i].Snr
            $result = switch ($row.Method) {
                'Tikhonov' { $Signals[$i] | Invoke-NmrTikhonov -WarningAction SilentlyContinue }
                'MTGV' { $Signals[$i] | Invoke-NmrMtgv -WarningAction SilentlyContinue }
            }
            $chi = $result | Measure-NmrChi
            foreach ($c in 'Chi2D', 'ChiT1', 'ChiT2') {
                $expected = [double]::Parse($row.$c, $script:inv)
                # The CSVs hold 6 significant digits.
                $chi.$c | Should -BeGreaterOrEqual ($expected * (1 - 2e-5)) -Because "$File row $i ($($row.$NameColumn), SNR $($row.Snr)) $c"
                $chi.$c | Should -BeLessOrEqual ($expected * (1 + 2e-5)) -Because "$File row $i ($($row.$NameColumn), SNR $($row.Snr)) $c"
            }
        }
    }
}

Describe 'Reference baselines in examples/baselines' {
    It 'Tikhonov on the paper grid: all 24 cases reproduce' {
        Assert-BaselineRows 'Paper-Tikhonov.csv' (New-BenchmarkSignals -Grid Paper) (0..23) 'Preset'
    }

    It 'Tikhonov on the <_> grid: three cases reproduce' -ForEach 'Spinsolve', 'GeoSpec' {
        Assert-BaselineRows "$_-Tikhonov.csv" (New-BenchmarkSignals -Grid $_) (1, 10, 23) 'Preset'
    }

    It 'MTGV on the paper grid: E at SNR 20 reproduces' {
        Assert-BaselineRows 'Paper-MTGV.csv' (New-BenchmarkSignals -Grid Paper) (12) 'Preset'
    }

    It 'MTGV on the Spinsolve grid: H at SNR 200 reproduces' {
        Assert-BaselineRows 'Spinsolve-MTGV.csv' (New-BenchmarkSignals -Grid Spinsolve) (22) 'Preset'
    }

    It 'the held-out set: Tikhonov on the first and last maps reproduces' {
        Assert-BaselineRows 'heldout-Tikhonov.csv' (New-HeldOutSignals) (0, 1, 2, 598) 'Map'
    }

    It 'the held-out set: MTGV on a map at SNR 200 reproduces' {
        Assert-BaselineRows 'heldout-MTGV.csv' (New-HeldOutSignals) (1) 'Map'
    }

    It 'Benchmark-Grids.ps1 -Reuse reads a reference baseline instead of recomputing it' {
        $out = Join-Path $TestDrive 'grids'
        $log = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'examples/Benchmark-Grids.ps1') -Grid Paper -Method Tikhonov -OutputPath $out -Reuse 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($log | Out-String)
        ($log | Out-String) | Should -Match 'Paper / Tikhonov: reused .*baselines'
        Get-FileHash (Join-Path $out 'Paper-Tikhonov.csv') | Select-Object -ExpandProperty Hash |
            Should -Be (Get-FileHash (Join-Path $script:baselines 'Paper-Tikhonov.csv')).Hash
    }

    It 'a reference for other signals is not reused' {
        $signals = New-BenchmarkSignals -Grid Paper -Seed 2
        $rows = @(Import-Csv (Join-Path $script:baselines 'Paper-Tikhonov.csv'))
        Test-BaselineRows -Rows $rows -Signals $signals -Seed 2 -NameColumn Preset | Should -BeFalse
        Test-BaselineRows -Rows $rows -Signals (New-BenchmarkSignals -Grid Paper) -Seed 1 -NameColumn Preset | Should -BeTrue
        $shuffled = @($rows[1]) + @($rows[0]) + @($rows[2..23])
        Test-BaselineRows -Rows $shuffled -Signals (New-BenchmarkSignals -Grid Paper) -Seed 1 -NameColumn Preset | Should -BeFalse
    }
}
