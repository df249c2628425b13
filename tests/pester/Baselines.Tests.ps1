# The reference results in examples/baselines (Tikhonov with GCV and MTGV with its search on the benchmark's signals)
# are read back by Benchmark-Grids.ps1 and Benchmark-HeldOut.ps1 with -Reuse instead of hours of recomputation. They
# are only worth that if the current engine still produces them: recompute rows of every file and compare the digits.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
    . (Join-Path $root 'examples/BenchmarkScores.ps1')
    $script:baselines = Join-Path $root 'examples/baselines'
    $script:inv = [cultureinfo]::InvariantCulture

    # Scores the signals at -Index again with Invoke-BenchmarkMethod (the code that wrote the reference CSVs) and
    # compares chi (2D, T1, T2) with the reference rows.
    function Assert-BaselineRows([string] $File, [object[]] $Signals, [int[]] $Index, [string] $NameColumn) {
        $rows = @(Import-Csv (Join-Path $script:baselines $File))
        $rows.Count | Should -Be $Signals.Count
        $fresh = Invoke-BenchmarkMethod -Method $rows[0].Method -Signals @($Index | ForEach-Object { $Signals[$_] }) `
            -Csv (Join-Path $TestDrive $File) -Seed ([int]$rows[0].Seed) -NameColumn $NameColumn
        for ($k = 0; $k -lt $Index.Count; $k++) {
            $row = $rows[$Index[$k]]
            $fresh[$k].$NameColumn | Should -BeExactly $row.$NameColumn
            $fresh[$k].Snr | Should -Be $row.Snr
            foreach ($c in 'Chi2D', 'ChiT1', 'ChiT2') {
                $expected = [double]::Parse($row.$c, $script:inv)
                $actual = [double]::Parse($fresh[$k].$c, $script:inv)
                # The CSVs hold 6 significant digits.
                $because = "$File row $($Index[$k]) ($($row.$NameColumn), SNR $($row.Snr)) $c"
                $actual | Should -BeGreaterOrEqual ($expected * (1 - 2e-5)) -Because $because
                $actual | Should -BeLessOrEqual ($expected * (1 + 2e-5)) -Because $because
            }
        }
    }
    $script:paper = New-BenchmarkSignals -Grid Paper
    $script:heldout = New-HeldOutSignals
}

Describe 'Reference baselines in examples/baselines' {
    It 'Tikhonov on the paper grid: all 24 cases reproduce' {
        Assert-BaselineRows 'Paper-Tikhonov.csv' $script:paper (0..23) 'Preset'
    }

    It 'Tikhonov on the <_> grid: three cases reproduce' -ForEach 'Spinsolve', 'GeoSpec' {
        Assert-BaselineRows "$_-Tikhonov.csv" (New-BenchmarkSignals -Grid $_) (1, 10, 23) 'Preset'
    }

    It 'MTGV on the paper grid: E at SNR 20 reproduces' {
        Assert-BaselineRows 'Paper-MTGV.csv' $script:paper (12) 'Preset'
    }

    It 'MTGV on the Spinsolve grid: H at SNR 200 reproduces' {
        Assert-BaselineRows 'Spinsolve-MTGV.csv' (New-BenchmarkSignals -Grid Spinsolve) (22) 'Preset'
    }

    It 'Tikhonov on the paper grid with noise seed <_>: three cases reproduce' -ForEach 2, 3, 4 {
        Assert-BaselineRows "Paper-Tikhonov-seed$_.csv" (New-BenchmarkSignals -Grid Paper -Seed $_) (2, 13, 19) 'Preset'
    }

    It 'MTGV on the paper grid with noise seed <Seed>: one case reproduces' -ForEach @(@{ Seed = 2; Case = 4 }, @{ Seed = 3; Case = 20 }, @{ Seed = 4; Case = 9 }) {
        Assert-BaselineRows "Paper-MTGV-seed$Seed.csv" (New-BenchmarkSignals -Grid Paper -Seed $Seed) ($Case) 'Preset'
    }

    It 'the held-out set: Tikhonov on the first and last maps reproduces' {
        Assert-BaselineRows 'heldout-Tikhonov.csv' $script:heldout (0, 1, 2, 598) 'Map'
    }

    It 'the held-out set: MTGV on a map at SNR 200 reproduces' {
        Assert-BaselineRows 'heldout-MTGV.csv' $script:heldout (1) 'Map'
    }

    It 'Benchmark-Grids.ps1 -Reuse reads a reference baseline instead of recomputing it' {
        $out = Join-Path $TestDrive 'grids'
        $log = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'examples/Benchmark-Grids.ps1') -Grid Paper -Method Tikhonov -OutputPath $out -Reuse 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($log | Out-String)
        ($log | Out-String) | Should -Match 'Paper / Tikhonov: reused .*baselines'
        Get-FileHash (Join-Path $out 'Paper-Tikhonov.csv') | Select-Object -ExpandProperty Hash |
            Should -Be (Get-FileHash (Join-Path $script:baselines 'Paper-Tikhonov.csv')).Hash
    }

    It 'Benchmark-Grids.ps1 -Seed 3 -Reuse reads the reference of that seed' {
        $out = Join-Path $TestDrive 'grids3'
        $log = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'examples/Benchmark-Grids.ps1') -Grid Paper -Method MTGV -Seed 3 -OutputPath $out -Reuse 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($log | Out-String)
        ($log | Out-String) | Should -Match 'Paper / MTGV: reused .*Paper-MTGV-seed3\.csv'
    }

    It 'a reference for other signals is not reused' {
        $signals = New-BenchmarkSignals -Grid Paper -Seed 2
        $rows = @(Import-Csv (Join-Path $script:baselines 'Paper-Tikhonov.csv'))
        Test-BaselineRows -Rows $rows -Signals $signals -Seed 2 -NameColumn Preset | Should -BeFalse
        Test-BaselineRows -Rows $rows -Signals $script:paper -Seed 1 -NameColumn Preset | Should -BeTrue
        $shuffled = @($rows[1]) + @($rows[0]) + @($rows[2..23])
        Test-BaselineRows -Rows $shuffled -Signals $script:paper -Seed 1 -NameColumn Preset | Should -BeFalse
    }
}
