# A lab's batch work, piece by piece: folder trees imported one measurement at a time, names and files kept through
# every stage, results re-inverted by another method, summaries as flat rows, tables within 80 columns, batches on
# several cores with one progress bar, and a long network batch in bounded memory.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    Import-Module (Join-Path $root 'NmrInversion.psd1') -Force
    $data = Join-Path $root 'tests/data/nmrinversions-jl'
    $PSDefaultParameterValues['Invoke-NmrMtgv:WarningAction'] = 'SilentlyContinue'
    $PSDefaultParameterValues['Invoke-NmrTikhonov:WarningAction'] = 'SilentlyContinue'
    # Two lognormal T2 peaks: a quarter of the mass at 10 ms, three quarters at 100 ms.
    $script:t2 = New-NmrDistribution -Experiment T2 -Component @(-2, 0.15, 0, 1, 1), @(-1, 0.15, 0, 1, 3) -Name 'plug 7'
}

AfterAll {
    # $PSDefaultParameterValues is one table for the whole run: later files (Mtgv.Tests counts warnings) must not inherit these.
    $PSDefaultParameterValues.Remove('Invoke-NmrMtgv:WarningAction')
    $PSDefaultParameterValues.Remove('Invoke-NmrTikhonov:WarningAction')
}

Describe 'Importing a folder tree' {
    It 'yields one signal per Spinsolve measurement although its folder, data file and acqu.par all come through' {
        $items = @(Get-ChildItem -Recurse (Join-Path $data 'spinsolve_txt'))
        $items.Count | Should -BeGreaterThan 6 -Because 'the listing holds the folders, the data files, acqu.par and notes'
        $signals = @($items | Import-NmrSignal -ErrorVariable errs)
        $errs | Should -BeNullOrEmpty
        $signals.Name | Sort-Object | Should -Be @('IRCPMG', 'PFGCPMG')
        ($signals | Where-Object Name -eq 'IRCPMG').SourceFile | Should -Be (Join-Path $data 'spinsolve_txt/IRCPMG/T1IRT2.dat')
        ($signals | Where-Object Name -eq 'PFGCPMG').Experiment | Should -Be 'DT2'
    }

    It 'counts a measurement once within one command, and again in the next' {
        $folder = Join-Path $data 'spinsolve_txt/IRCPMG'
        @(Import-NmrSignal $folder, (Join-Path $folder 'acqu.par'), (Join-Path $folder 'T1IRT2.dat')).Count | Should -Be 1
        @(Import-NmrSignal (Join-Path $folder 'acqu.par')).Count | Should -Be 1
        $csv = Join-Path $data 'csv/IR_sandstone.csv'
        @(Import-NmrSignal $csv, $csv -Experiment T1).Count | Should -Be 1
    }

    It 'imports every instrument file of a mixed tree once, with its own name' {
        $trees = 'spinsolve_txt', 'geospec_txt', 'bruker', 'tecmag_tnt' | ForEach-Object { Join-Path $data $_ }
        $signals = @(Get-ChildItem -Recurse $trees | Import-NmrSignal -ErrorVariable errs)
        $errs | Should -BeNullOrEmpty
        $signals.Name | Sort-Object | Should -Be (@('CPMG_bunter', 'CPMG_silicon_oil', 'cpmg', 'IR_bunter', 'IR_silicon_oil', 'IRCPMG', 'PFGCPMG') | Sort-Object)
        @($signals.SourceFile | Sort-Object -Unique).Count | Should -Be 7
    }

    It 'still says that a piped folder without acqu.par is no measurement when none of its files follow' {
        $null = Get-Item (Join-Path $data 'csv') | Import-NmrSignal -ErrorVariable errs -ErrorAction SilentlyContinue
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FormatNotRecognized,*'
    }
}

Describe 'Names, methods and files through every stage' {
    BeforeAll {
        $script:signals = @(New-NmrDistribution -Preset A, H | New-NmrSignal -Snr 200 -Seed 1)
        $script:tikhonov = @($signals | Invoke-NmrTikhonov)
        $script:mtgv = @($tikhonov | Invoke-NmrMtgv -Alpha 1e4 -Beta 1 -MaxIterations 200)
    }

    It 're-inverts a piped result: the second method gets the first one''s signal' {
        $mtgv.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            [object]::ReferenceEquals($mtgv[$i].Signal, $tikhonov[$i].Signal) | Should -BeTrue
            $mtgv[$i].Name | Should -Be $signals[$i].Name
            $mtgv[$i].Method | Should -Be 'MTGV'
        }
    }

    It 'names the sample and method of every peak of a batch' {
        $results = $tikhonov + $mtgv
        $peaks = @($results | Get-NmrPeak)
        foreach ($r in $results) {
            $own = @($peaks | Where-Object { $_.Name -eq $r.Name -and $_.Method -eq $r.Method })
            $own.Count | Should -Be @(Get-NmrPeak -Distribution $r.Distribution).Count
            $own.Count | Should -BeGreaterThan 0
        }
        @($peaks | Where-Object { $_.Name -notin 'A', 'H' -or $_.Method -notin 'Tikhonov', 'MTGV' }).Count | Should -Be 0
        (New-NmrDistribution -Preset A | Get-NmrPeak)[0].Name | Should -Be 'A'
    }

    It 'exports a result with its method, alpha, beta, misfit, noise level, sample and file, and the map unchanged' {
        $m = $mtgv[1]
        $json = Join-Path $TestDrive 'h-mtgv.json'
        $m | Export-NmrDistribution -Path $json
        $doc = Get-Content $json -Raw | ConvertFrom-Json
        $doc.result.sample | Should -Be 'H'
        $doc.result.method | Should -Be 'MTGV'
        $doc.result.alpha | Should -Be $m.Alpha
        $doc.result.beta | Should -Be $m.Beta
        $doc.result.misfit | Should -Be $m.Misfit
        $doc.result.noiseLevel | Should -Be $m.NoiseLevel
        $doc.result.amplitude | Should -Be $m.Amplitude
        $doc.result.rule | Should -Be 'alpha fixed, beta fixed' -Because 'this MTGV result was run with -Alpha and -Beta'
        $doc.result.moduleVersion | Should -Be (Import-PowerShellDataFile (Join-Path $root 'NmrInversion.psd1')).ModuleVersion
        $doc.result.acquisitionAxis1.values.Count | Should -Be $m.Signal.Axis1.Count
        $back = [NmrInversion.Engine.Formats.SignalJson]::ReadDistribution($json)
        for ($i = 0; $i -lt 64; $i += 7) { for ($j = 0; $j -lt 64; $j += 5) { $back.Values[$i, $j] | Should -Be $m.Distribution.Values[$i, $j] } }

        $imported = Import-NmrSignal (Join-Path $data 'geospec_txt/CPMG_bunter.txt') | Invoke-NmrTikhonov
        $csv = Join-Path $TestDrive 'bunter.csv'
        $imported | Export-NmrDistribution -Path $csv
        $head = Get-Content $csv -TotalCount 10
        $head | Should -Contain '# sample: CPMG_bunter'
        $head | Should -Contain "# sourceFile: $(Join-Path $data 'geospec_txt/CPMG_bunter.txt')"
        $head | Should -Contain '# method: Tikhonov'
        $head | Should -Contain ('# alpha: ' + $imported.Alpha.ToString('R', [cultureinfo]::InvariantCulture))
        $head | Should -Contain '# beta: '
        ($head | Where-Object { $_ -like '# misfit: *' }) | Should -Not -Be '# misfit: '
        $all = Get-Content $csv
        $all | Should -Contain ('# alphaRule: ' + $imported.AlphaRule + ': ' + $imported.AlphaReason)
        $all | Should -Contain ('# relaxation: ' + $imported.Distribution.Axis1 + '; ' + $imported.Distribution.Axis2)
        $all | Should -Contain ('# version: NmrInversion ' + (Import-PowerShellDataFile (Join-Path $root 'NmrInversion.psd1')).ModuleVersion)
        ($all | Where-Object { $_ -like '# provenance: *' }) | Should -Match 'Format=GeoSpec'
        $rows = @(Get-Content $csv | Where-Object { $_ -notlike '#*' })
        $rows.Count | Should -Be (1 + $imported.Distribution.Axis1.Count) -Because 'a header row and one row per T2 after the comments'
    }
}

Describe 'Measure-NmrDistribution' {
    BeforeAll {
        $script:plug = $t2 | New-NmrSignal -Snr 2000 -Seed 4 | Invoke-NmrTikhonov
        $script:water = New-NmrDistribution -Experiment T2 -Component @(0, 0.05, 0, 1, 1) -Name water | New-NmrSignal -Snr 2000 -Seed 5 | Invoke-NmrTikhonov
    }

    It 'gives the log-mean T2 and the bound and free fluid of a two-peak decay' {
        $s = $plug | Measure-NmrDistribution -Cutoff 0.033
        $s.Name | Should -Be 'plug 7'
        $s.CutoffAxis | Should -Be 'T2'
        $s.FractionBelow | Should -BeGreaterThan 0.22
        $s.FractionBelow | Should -BeLessThan 0.28
        $s.FractionAbove | Should -Be (1 - $s.FractionBelow)
        # 10^(0.25 x -2 + 0.75 x -1) = 10^-1.25 s
        [math]::Abs([math]::Log10($s.LogMeanT2) + 1.25) | Should -BeLessThan 0.03
        $s.LogMeanT1 | Should -BeNullOrEmpty
        $s.Amplitude | Should -Be $plug.Amplitude
        $s.Alpha | Should -Be $plug.Alpha
        $s.Beta | Should -BeNullOrEmpty
    }

    It 'turns the amplitude into a porosity against a calibration amplitude or a reference sample' {
        ($plug | Measure-NmrDistribution -CalibrationAmplitude 4).Porosity | Should -Be ($plug.Amplitude / 4)
        $p = ($plug | Measure-NmrDistribution -Calibration $water -CalibrationValue 0.2).Porosity
        $p | Should -Be ($plug.Amplitude / ($water.Amplitude / 0.2))
        # Both simulated signals have unit amplitude: the plug reads as the reference's 0.2.
        $p | Should -BeGreaterThan 0.19
        $p | Should -BeLessThan 0.21
    }

    It 'refuses a cutoff axis without a cutoff, and a cutoff axis the map lacks (per result)' {
        { $plug | Measure-NmrDistribution -CutoffAxis T2 -ErrorAction Stop } | Should -Throw -ErrorId 'CutoffMissing,*'
        $null = $plug | Measure-NmrDistribution -Cutoff 1e-9 -CutoffAxis D -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'CutoffAxisUnknown,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'writes one flat row per sample and method with the documented columns' {
        $signals = New-NmrDistribution -Preset A, H | New-NmrSignal -Snr 200 -Seed 1
        $results = @($signals | Invoke-NmrTikhonov) + @($signals | Invoke-NmrMtgv -Alpha 1e4 -Beta 1 -MaxIterations 200)
        $results[3].AddWarning([NmrInversion.Engine.NmrWarning]::new('EdgeMass', 'test'))
        $results[3].AddWarning([NmrInversion.Engine.NmrWarning]::new('HighMisfit', 'test'))
        $path = Join-Path $TestDrive 'summary.csv'
        $results | Measure-NmrDistribution -Cutoff 0.01 | Export-Csv $path -NoTypeInformation
        $rows = @(Import-Csv $path)
        $rows.Count | Should -Be 4
        $rows[0].PSObject.Properties.Name | Should -Be @('Name', 'SourceFile', 'Experiment', 'Method', 'Alpha', 'Beta', 'Misfit', 'NoiseLevel', 'Amplitude',
            'LogMeanT1', 'LogMeanT2', 'LogMeanD', 'CutoffAxis', 'Cutoff', 'FractionBelow', 'FractionAbove', 'Porosity', 'Warnings')
        ($rows | ForEach-Object { "$($_.Name)/$($_.Method)" }) | Should -Be @('A/Tikhonov', 'H/Tikhonov', 'A/MTGV', 'H/MTGV')
        $rows[0].Beta | Should -Be ''
        $rows[2].Beta | Should -Be '1'
        # The result's own warnings (an MTGV solve cut at 200 iterations has some) and the two added, in the result's order.
        $rows[3].Warnings | Should -Be (($results[3].Warnings | ForEach-Object Id) -join ';')
        $rows[3].Warnings -split ';' | Should -Contain 'EdgeMass'
        $rows[3].Warnings -split ';' | Should -Contain 'HighMisfit'
        [double]$rows[0].Alpha | Should -Be $results[0].Alpha
    }
}

Describe 'Tables within 80 columns' {
    It 'formats signals, results, peaks, summaries and maps in lines of at most 80 characters' {
        $measured = Import-NmrSignal (Join-Path $data 'geospec_txt/CPMG_bunter.txt') -Name 'core-plug-2024-03-01-brine-saturated'
        $simulated = New-NmrDistribution -Preset A | New-NmrSignal -Snr 100 -Seed 1
        $signals = @($measured, $simulated)
        $tikhonov = @($signals | Invoke-NmrTikhonov)
        $mtgv = $simulated | Invoke-NmrMtgv -Alpha 1e4 -Beta 1 -MaxIterations 100
        $tables = [ordered]@{
            signals = $signals | Format-Table | Out-String -Width 80
            tikhonov = $tikhonov | Format-Table | Out-String -Width 80
            mtgv = $mtgv | Format-Table | Out-String -Width 80
            peaks = $tikhonov + $mtgv | Get-NmrPeak | Format-Table | Out-String -Width 80
            summary = $tikhonov | Measure-NmrDistribution -Cutoff 0.033 -CalibrationAmplitude 2 | Format-Table | Out-String -Width 80
            maps = New-NmrDistribution -Preset A | Format-Table | Out-String -Width 80
        }
        foreach ($k in $tables.Keys) {
            foreach ($line in $tables[$k] -split '\r?\n') { $line.Length | Should -BeLessOrEqual 80 -Because "$k`: '$line'" }
        }
        # A measured signal shows an SNR estimated from its noise level, and names keep more than 12 characters.
        $sigma = $measured.NoiseSigma
        $tables.signals | Should -Match ('~' + [regex]::Escape(($measured.MaxAbs / $sigma).ToString('G3', [cultureinfo]::InvariantCulture)))
        $tables.signals | Should -Match 'core-plug-2024-03-01-br'
        $tables.tikhonov | Should -Match 'core-plug-2024-'
    }
}

Describe 'Batches on several cores' {
    It 'inverts two at a time with the same results in the same order, and reports a bad signal alone' {
        $signals = @(New-NmrDistribution -Preset A, B, C, D | New-NmrSignal -Snr 200 -Seed 1)
        $zero = New-NmrDistribution -Preset A | New-NmrSignal -Snr 200 -Seed 1
        [Array]::Clear($zero.Values)    # all zero: SignalAllZero for this item only
        $batch = @($signals[0], $signals[1], $zero, $signals[2], $signals[3])
        $one = @($signals | Invoke-NmrTikhonov)
        $two = @(Invoke-NmrTikhonov -Signal $batch -ThrottleLimit 2 -ErrorVariable errs -ErrorAction SilentlyContinue)
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'SignalAllZero,*'
        $two.Name | Should -Be @('A', 'B', 'C', 'D')
        for ($i = 0; $i -lt 4; $i++) {
            $two[$i].Alpha | Should -Be $one[$i].Alpha
            ($two[$i] | Measure-NmrChi -Reference $one[$i].Distribution).Chi2D | Should -Be 0
        }
    }

    It 'shows one progress bar for a known batch, with percent done and time remaining' {
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule((Join-Path $root 'NmrInversion.psd1'))
        $ps = [powershell]::Create($iss)
        try {
            [void]$ps.AddScript('$s = New-NmrDistribution -Preset A, B, C, D | New-NmrSignal -Snr 200 -Seed 1; Invoke-NmrMtgv -Signal $s -Alpha 1e4 -Beta 1 -MaxIterations 400 -ThrottleLimit 2 -WarningAction SilentlyContinue')
            $out = @($ps.Invoke())
            $out.Count | Should -Be 4
            $records = @($ps.Streams.Progress)
            @($records.ActivityId | Sort-Object -Unique) | Should -Be @(2) -Because 'one bar for the batch'
            $records | Where-Object { $_.StatusDescription -like '* of 4 signal(s) inverted*' } | Should -Not -BeNullOrEmpty
            $records[-1].RecordType | Should -Be 'Completed'
            $partial = @($records | Where-Object { $_.PercentComplete -gt 0 -and $_.PercentComplete -lt 100 })
            $partial | Should -Not -BeNullOrEmpty
            $partial[0].SecondsRemaining | Should -BeGreaterThan 0
        }
        finally { $ps.Dispose() }
    }
}

Describe 'A long network batch' {
    BeforeAll {
        $script:runDir = Join-Path $TestDrive 'tiny'
        $run = Start-NmrTraining $runDir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 32 -ValidationSize 16 -TestSize 16 -Name tiny
        $script:model = $run.ModelPath
        $script:grid = @{ AcquisitionAxis1 = $run.Card.Grid.Acquisition1.Values; AcquisitionAxis2 = $run.Card.Grid.Acquisition2.Values }
        $script:map = New-NmrDistribution -Preset D -Points 16
    }

    It 'inverts 1,000 signals without growing the working set' {
        function Measure-Batch([int] $Count) {
            $script:n = 0
            $map | New-NmrSignal -Snr ([double[]](1..$Count | ForEach-Object { 100 + $_ })) -Seed 1 @grid |
                Invoke-NmrUnetInversion -ModelPath $model -BatchSize 50 -WarningAction SilentlyContinue |
                ForEach-Object { $script:n++ }
            [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
            [Diagnostics.Process]::GetCurrentProcess().Refresh()
            [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
        }
        $null = Measure-Batch 200                       # warm up: libtorch's pools, the model cache, the JIT
        $before = Measure-Batch 200
        $after = Measure-Batch 1000
        $n | Should -Be 1000
        ($after - $before) / 1MB | Should -BeLessThan 64 -Because "the working set went from $([math]::Round($before / 1MB)) MB to $([math]::Round($after / 1MB)) MB"
    }
}
