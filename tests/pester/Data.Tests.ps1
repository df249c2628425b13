BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    $real = Join-Path $PSScriptRoot '../data/nmrinversions-jl'
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
}

Describe 'Import-NmrSignal on real instrument files' {
    It 'reads the Spinsolve T1IRT2 folder: 16 x 1024, tau 1 ms..3 s log, echo time 100 us' {
        $s = Import-NmrSignal (Join-Path $real 'spinsolve_txt/IRCPMG')
        $s.Experiment | Should -Be 'T1T2'
        $s.Size | Should -Be '16x1024'
        $s.Axis1.Minimum | Should -Be 0.001
        $s.Axis1.Maximum | Should -Be 3
        $s.Axis1.IsLogSpaced | Should -BeTrue
        $s.Axis2.Values[0] | Should -Be 0.0001
        $s.Provenance['Format'] | Should -Be 'Spinsolve'
        $s.NoiseSigma | Should -BeGreaterThan 0
    }

    It 'reads the Spinsolve DT2 folder: 16 b values x 8000 echoes at 250 us' {
        $s = Import-NmrSignal (Join-Path $real 'spinsolve_txt/PFGCPMG')
        $s.Experiment | Should -Be 'DT2'
        $s.Size | Should -Be '16x8000'
        $s.Axis1.Name | Should -Be 'b'
        $s.Axis2.Maximum | Should -BeGreaterThan 1.99999
        $s.Axis2.Maximum | Should -BeLessThan 2.00001
    }

    It 'reads folders and files piped from Get-ChildItem' {
        $signals = Get-ChildItem (Join-Path $real 'geospec_txt'), (Join-Path $real 'bruker/minispec') -File | Import-NmrSignal
        ($signals | ForEach-Object { $_.Axis1.Count } | Sort-Object) | Should -Be @(32, 10000, 23148)
        (Get-ChildItem (Join-Path $real 'spinsolve_txt') -Directory | Import-NmrSignal).Experiment | Should -Be @('T1T2', 'DT2')
    }

    It 'expands wildcards in -Path' {
        (Import-NmrSignal (Join-Path $real 'geospec_txt/*.txt')).Count | Should -Be 2
    }

    It 'reads the plain CSV examples with -Experiment and units' {
        (Import-NmrSignal (Join-Path $real 'csv/IR_sandstone.csv') -Experiment T1).Kernels.Kernel1 | Should -Be 'InversionRecovery'
        $pfg = Import-NmrSignal (Join-Path $real 'csv/PFG_water.csv') -Experiment D -BUnit ms/um2
        $pfg.Axis1.Maximum | Should -BeGreaterThan 1.28e9
        $pfg.Axis1.Maximum | Should -BeLessThan 1.2814e9
        (Import-NmrSignal (Join-Path $real 'csv/CPMG_graphene.csv') -Experiment T2).Size | Should -Be '32'
    }

    It 'reads the Tecmag TNMR files: 16 inversion delays from the delay table, 5000 echoes at Echo_Time 200 us' {
        $ir, $cpmg = Get-ChildItem (Join-Path $real 'tecmag_tnt') -Filter *.tnt | Sort-Object Name -Descending | Import-NmrSignal
        $ir.Provenance['Format'] | Should -Be 'Tecmag'
        $ir.Experiment | Should -Be 'T1'
        $ir.Kernels.Kernel1 | Should -Be 'InversionRecovery'
        $ir.Axis1.Count | Should -Be 16
        $ir.Axis1.Values[0] | Should -Be 0.00009
        $ir.Axis1.Maximum | Should -Be 9.99999
        $ir.Provenance['Axis1Source'] | Should -Match 'de0:2.*first 16 of 20'
        $cpmg.Experiment | Should -Be 'T2'
        $cpmg.Axis1.Count | Should -Be 5000
        $cpmg.Axis1.Values[0] | Should -Be 0.0002
        $cpmg.NoiseSigma | Should -BeGreaterThan 0
    }

    It 'refuses other binary files naming them and what was expected' {
        $path = Join-Path $TestDrive 'fid'
        [IO.File]::WriteAllBytes($path, [byte[]](0x10, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4))
        $e = Get-ErrorRecord { Import-NmrSignal $path -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'FormatNotRecognized,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -Match 'fid.*binary.*expected'
    }

    It 'reports TecmagDelayTableMissing for a .tnt of records whose sequence has no delay table, and takes -Axis1 instead' {
        $bytes = [IO.File]::ReadAllBytes((Join-Path $real 'tecmag_tnt/IR_silicon_oil.tnt'))
        $text = [Text.Encoding]::Latin1.GetString($bytes)
        $at = $text.IndexOf('de0:2' + [char]0xC0)
        $bytes[$at + 5] = 0x00   # the table's length prefix (192) becomes 0: no table
        $path = Join-Path $TestDrive 'no-table.tnt'
        [IO.File]::WriteAllBytes($path, $bytes)
        $e = Get-ErrorRecord { Import-NmrSignal $path -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'TecmagDelayTableMissing,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -Match 'no-table\.tnt.*-Axis1'
        $tau = foreach ($k in 0..15) { 0.1 * [math]::Pow(10, $k / 3) }
        $s = Import-NmrSignal $path -Axis1 $tau -TimeUnit ms
        [math]::Abs($s.Axis1.Values[0] - 1e-4) | Should -BeLessThan 1e-15
        $s.Provenance['Axis1Source'] | Should -Be 'parameter'
    }
}

Describe 'Import-NmrSignal bad input' {
    BeforeAll {
        function New-TextFile([string] $Name, [string] $Text, [switch] $Bom) {
            $path = Join-Path $TestDrive $Name
            [IO.File]::WriteAllText($path, $Text, [Text.UTF8Encoding]::new($Bom.IsPresent))
            $path
        }
    }

    It 'reports <Id> for <Case>' -ForEach @(
        @{ Case = 'a ragged row'; Id = 'CsvRaggedRow'; Text = ",1,2`n1,3,4`n2,5`n3,6,7`n"; Match = 'line 3' }
        @{ Case = 'a text cell'; Id = 'CsvCellNotNumeric'; Text = ",1,2`n1,3,x`n2,5,6`n"; Match = 'line 2, column 3' }
        @{ Case = 'a decimal comma in a semicolon file'; Id = 'CsvDecimalComma'; Text = ";1;2`n1;0,5;4`n2;5;6`n"; Match = "-Delimiter ';'" }
        @{ Case = 'a quoted decimal comma'; Id = 'CsvDecimalComma'; Text = ",1,2`n1,`"0,5`",4`n2,5,6`n"; Match = 'line 2, column 2' }
        @{ Case = 'a header that does not fit the rows'; Id = 'CsvAxisMismatch'; Text = ",1,2,3`n1,3,4`n2,5,6`n"; Match = 'header row' }
        @{ Case = 'a decreasing axis'; Id = 'AxisNotIncreasing'; Text = ",2,1`n1,3,4`n2,5,6`n"; Match = 'header row' }
    ) {
        $path = New-TextFile 'bad.csv' $Text
        $e = Get-ErrorRecord { Import-NmrSignal $path -Experiment T1T2 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -Match ([regex]::Escape($Match))
        $e.Exception.Message | Should -Match 'bad\.csv'
    }

    It 'tolerates a UTF-8 BOM and quoted numbers' {
        $path = New-TextFile 'bom.csv' "`"t1\t2`",`"0.001`",0.002`n0.01,`"1.5`",2`n0.1,3,4`n" -Bom
        $s = Import-NmrSignal $path -Experiment T1T2
        $s.Values[0, 0] | Should -Be 1.5
        $s.Axis2.Values | Should -Be @(0.001, 0.002)
    }

    It 'reads decimal commas when -Delimiter names the semicolon' {
        $path = New-TextFile 'sheet.csv' "t1 (ms) \ t2 (ms);0,2;0,4`n1;-0,5;-0,25`n10;0,5;0,25`n"
        $s = Import-NmrSignal $path -Experiment T1T2 -TimeUnit ms -Delimiter ';'
        $s.Axis1.Values | Should -Be @(0.001, 0.01)
        $s.Axis2.Values | Should -Be @(0.0002, 0.0004)
        $s.Values[0, 1] | Should -Be -0.25
    }

    It 'reads a bare matrix with axes from files' {
        $m = New-TextFile 'm.csv' "1,2,3`n4,5,6`n"
        $a1 = New-TextFile 'a1.csv' "t1 (ms)`n1`n10`n"
        $a2 = New-TextFile 'a2.csv' "0.2,0.4,0.8`n"
        $s = Import-NmrSignal $m -Experiment T1T2 -Axis1Path $a1 -Axis2Path $a2 -TimeUnit ms
        $s.Size | Should -Be '2x3'
        $s.Axis1.Values | Should -Be @(0.001, 0.01)
        $s.Values[1, 2] | Should -Be 6
    }

    It 'asks for -Experiment on plain CSV' {
        $path = New-TextFile 'plain.csv' "0.001,1`n0.002,0.5`n"
        $e = Get-ErrorRecord { Import-NmrSignal $path -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ExperimentRequired,*'
    }

    It 'reports a missing file as ObjectNotFound and goes on with the next file' {
        $ok = New-TextFile 'ok.csv' "t2,signal`n0.001,1`n0.002,0.5`n0.004,0.25`n"
        $out = Import-NmrSignal (Join-Path $TestDrive 'missing.csv'), $ok -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        @($out).Count | Should -Be 1
        $out.Experiment | Should -Be 'T2'
    }
}

Describe 'Export-NmrSignal and Export-NmrDistribution' {
    It 'round-trips a signal through JSON to the bit, truth included' {
        $s = New-NmrDistribution -Preset H | New-NmrSignal -Snr 150 -Seed 9
        $path = Join-Path $TestDrive 'h.json'
        $s | Export-NmrSignal -Path $path
        $b = Import-NmrSignal $path
        $same = $true
        for ($i = 0; $i -lt 64; $i++) { for ($j = 0; $j -lt 64; $j++) { if ([BitConverter]::DoubleToInt64Bits($s.Values[$i, $j]) -ne [BitConverter]::DoubleToInt64Bits($b.Values[$i, $j])) { $same = $false } } }
        $same | Should -BeTrue
        $b.NoiseSigma | Should -Be $s.NoiseSigma
        $b.Seed | Should -Be $s.Seed
        $b.Truth.Name | Should -Be 'H'
        [BitConverter]::DoubleToInt64Bits($b.Truth.Values[20, 30]) | Should -Be ([BitConverter]::DoubleToInt64Bits($s.Truth.Values[20, 30]))
    }

    It 'round-trips a 1D signal through CSV' {
        $d = New-NmrDistribution -Component @(-2, 0.2, 0, 1, 1) -Experiment T2
        $s = $d | New-NmrSignal -Snr 500 -Seed 4
        $path = Join-Path $TestDrive 't2.csv'
        $s | Export-NmrSignal -Path $path
        (Get-Content $path -TotalCount 1) | Should -Be 't2,signal'
        $b = Import-NmrSignal $path
        $b.Experiment | Should -Be 'T2'
        $b.Values[10, 0] | Should -Be $s.Values[10, 0]
    }

    It 'does not overwrite without -Force (ResourceExists), does with -Force, writes nothing with -WhatIf' {
        $s = New-NmrDistribution -Preset A | New-NmrSignal -Snr 100 -Seed 1
        $path = Join-Path $TestDrive 'a.csv'
        $s | Export-NmrSignal -Path (Join-Path $TestDrive 'whatif.csv') -WhatIf
        Test-Path (Join-Path $TestDrive 'whatif.csv') | Should -BeFalse
        $s | Export-NmrSignal -Path $path
        $before = (Get-Item $path).LastWriteTimeUtc
        $e = Get-ErrorRecord { $s | Export-NmrSignal -Path $path -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        $s | Export-NmrSignal -Path $path -Force -PassThru | Should -BeOfType [IO.FileInfo]
        @(Get-ChildItem $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'writes a distribution as CSV with axes, and takes the Distribution property of a result-like object' {
        $d = New-NmrDistribution -Preset C
        $path = Join-Path $TestDrive 'c.csv'
        [pscustomobject]@{ Distribution = $d } | Export-NmrDistribution -Path $path
        $lines = Get-Content $path
        $lines.Count | Should -Be 65
        $lines[0] | Should -BeLike 'T1\T2,0.0001,*'
        [double]($lines[1].Split(',')[0]) | Should -Be 0.001
        [double]($lines[20].Split(',')[33]) | Should -Be $d.Values[19, 32]
    }
}

Describe 'Get-NmrPeak' {
    It 'finds the two peaks of preset <_> at the log means of Table 1' -ForEach 'A', 'H' {
        $peaks = New-NmrDistribution -Preset $_ | Get-NmrPeak
        $peaks.Count | Should -Be 2
        $short = $peaks | Where-Object LogMean1 -lt -1
        $long = $peaks | Where-Object LogMean1 -gt -1
        [math]::Abs($short.LogMean1 + 1.30) | Should -BeLessThan 0.01
        [math]::Abs($short.LogMean2 + 2.30) | Should -BeLessThan 0.01
        [math]::Abs($long.LogMean1 + 0.60) | Should -BeLessThan 0.01
        [math]::Abs($long.LogMean2 + 1.60) | Should -BeLessThan 0.01
        [math]::Abs($short.Ratio - 10) | Should -BeLessThan 0.3
        ($peaks.Fraction | Measure-Object -Sum).Sum | Should -BeGreaterThan 0.8
    }

    It 'finds the peaks of the T2 projection of preset <_> at the T2 log means of Table 1, half the mass each' -ForEach 'A', 'H' {
        $peaks = New-NmrDistribution -Preset $_ | Get-NmrPeak -Projection T2 | Sort-Object LogMean1
        $peaks.Count | Should -Be 2
        [math]::Abs($peaks[0].LogMean1 + 2.30) | Should -BeLessThan 0.01
        [math]::Abs($peaks[1].LogMean1 + 1.60) | Should -BeLessThan 0.01
        $peaks.Axis1Name | Should -Be 'T2', 'T2'
        $peaks | ForEach-Object { $_.Position2 | Should -BeNullOrEmpty; [math]::Abs($_.Fraction - 0.5) | Should -BeLessThan 0.03 }
    }

    It 'reports widths close to the preset log sd for A' {
        $peaks = New-NmrDistribution -Preset A | Get-NmrPeak
        foreach ($p in $peaks) { $p.LogWidth1 | Should -BeGreaterThan 0.04; $p.LogWidth1 | Should -BeLessThan 0.052 }
    }

    It 'formats as a table with T1, T2, widths, fraction and ratio' {
        $text = New-NmrDistribution -Preset A | Get-NmrPeak | Out-String
        $text | Should -Match 'T1 \(s\)'
        $text | Should -Match 'Fraction'
        $text | Should -Match 'Ratio'
    }

    It 'refuses a threshold outside 0..1' {
        { New-NmrDistribution -Preset A | Get-NmrPeak -Threshold 2 -ErrorAction Stop } | Should -Throw
    }
}
