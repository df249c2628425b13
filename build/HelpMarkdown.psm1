# Converts cmdlet help written in platyPS's markdown layout (docs/en-US/<Cmdlet>.md, schema 2.0.0) into the MAML
# file PowerShell reads (en-US/<Assembly>-Help.xml). platyPS itself is not available here; this converter covers the
# parts of the schema the module uses: SYNOPSIS, SYNTAX (ignored: syntax is rebuilt from the parameters' sets),
# DESCRIPTION, EXAMPLES (### title, a fenced code block, remarks), PARAMETERS (### -Name, description, ```yaml block),
# INPUTS, OUTPUTS, NOTES, RELATED LINKS.

Set-StrictMode -Version Latest

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

function ConvertFrom-HelpMarkdown {
    <#
    .SYNOPSIS
    Parses one platyPS markdown help page into an object (Name, Synopsis, Description, Examples, Parameters, Inputs, Outputs, Notes, Links).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipelineByPropertyName)][Alias('FullName')][string] $Path)
    process {
        $lines = (Get-Content -LiteralPath $Path -Raw -Encoding utf8) -replace "`r`n", "`n" -split "`n"
        $i = 0
        # front matter
        if ($lines[0] -eq '---') { $i = 1; while ($i -lt $lines.Count -and $lines[$i] -ne '---') { $i++ }; $i++ }
        $help = [ordered]@{
            Name = $null; Synopsis = ''; Description = ''; Examples = [System.Collections.Generic.List[object]]::new()
            Parameters = [System.Collections.Generic.List[object]]::new(); Inputs = [System.Collections.Generic.List[object]]::new()
            Outputs = [System.Collections.Generic.List[object]]::new(); Notes = ''; Links = [System.Collections.Generic.List[object]]::new()
            Path = $Path
        }
        $section = $null
        $current = $null
        $text = [System.Text.StringBuilder]::new()
        $inFence = $false
        $fenceLang = ''
        $fence = [System.Text.StringBuilder]::new()

        $flush = {
            $t = $text.ToString().Trim()
            [void]$text.Clear()
            switch ($section) {
                'SYNOPSIS' { if ($t) { $help.Synopsis = $t } }
                'DESCRIPTION' { if ($t) { $help.Description = $t } }
                'NOTES' { if ($t) { $help.Notes = $t } }
                default { if ($null -ne $current -and $t) { $current.Text = ($current.Text + "`n`n" + $t).Trim() } }
            }
        }

        for (; $i -lt $lines.Count; $i++) {
            $line = $lines[$i]
            if ($inFence) {
                if ($line -match '^```\s*$') {
                    $inFence = $false
                    $code = $fence.ToString().TrimEnd()
                    [void]$fence.Clear()
                    if ($section -eq 'EXAMPLES' -and $null -ne $current -and -not $current.Code) { $current.Code = $code }
                    elseif ($section -eq 'PARAMETERS' -and $null -ne $current -and $fenceLang -eq 'yaml') {
                        foreach ($kv in $code -split "`n") {
                            if ($kv -match '^\s*([^:]+):\s*(.*)$') { $current.Meta[$Matches[1].Trim()] = $Matches[2].Trim() }
                        }
                    }
                    continue
                }
                [void]$fence.AppendLine($line)
                continue
            }
            if ($line -match '^```(\w*)') { & $flush; $inFence = $true; $fenceLang = $Matches[1]; continue }
            if ($line -match '^# (\S.*)$' -and -not $help.Name) { $help.Name = $Matches[1].Trim(); continue }
            if ($line -match '^## (.+)$') {
                & $flush
                $section = $Matches[1].Trim().ToUpperInvariant()
                $current = $null
                continue
            }
            if ($line -match '^### (.+)$') {
                & $flush
                $title = $Matches[1].Trim()
                switch ($section) {
                    'EXAMPLES' { $current = [pscustomobject]@{ Title = $title; Code = $null; Text = '' }; $help.Examples.Add($current) }
                    'PARAMETERS' {
                        if ($title -eq 'CommonParameters') { $current = $null }
                        else { $current = [pscustomobject]@{ Name = $title.TrimStart('-'); Text = ''; Meta = [ordered]@{} }; $help.Parameters.Add($current) }
                    }
                    'INPUTS' { $current = [pscustomobject]@{ Type = $title; Text = '' }; $help.Inputs.Add($current) }
                    'OUTPUTS' { $current = [pscustomobject]@{ Type = $title; Text = '' }; $help.Outputs.Add($current) }
                    default { $current = $null }
                }
                continue
            }
            if ($section -eq 'RELATED LINKS') {
                if ($line -match '^\s*\[([^\]]+)\]\(([^)]*)\)') { $help.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }) }
                continue
            }
            [void]$text.AppendLine($line)
        }
        & $flush
        if (-not $help.Name) { throw "$Path has no '# <Cmdlet-Name>' title." }
        [pscustomobject]$help
    }
}

function ConvertTo-MamlParagraphs([System.Xml.XmlWriter] $w, [string] $text) {
    $paras = @(($text -replace "`r`n", "`n") -split "`n\s*`n" | ForEach-Object { ($_ -split "`n" | ForEach-Object Trim) -join ' ' } | Where-Object { $_ })
    if ($paras.Count -eq 0) { $paras = @('') }
    foreach ($p in $paras) { $w.WriteElementString('maml', 'para', $script:MamlNs, $p) }
}

function Write-MamlParameter([System.Xml.XmlWriter] $w, $p, [string] $position) {
    $m = $p.Meta
    $type = if ($m.Contains('Type')) { $m['Type'] } else { 'Object' }
    $pipeline = if ($m.Contains('Accept pipeline input')) { $m['Accept pipeline input'] } else { 'False' }
    $w.WriteStartElement('command', 'parameter', $script:CommandNs)
    $w.WriteAttributeString('required', $(if ($m.Contains('Required') -and $m['Required'] -match '^True') { 'true' } else { 'false' }))
    $w.WriteAttributeString('variableLength', $(if ($type -match '\[\]$') { 'true' } else { 'false' }))
    $w.WriteAttributeString('globbing', $(if ($m.Contains('Accept wildcard characters') -and $m['Accept wildcard characters'] -eq 'True') { 'true' } else { 'false' }))
    $w.WriteAttributeString('pipelineInput', $pipeline)
    $w.WriteAttributeString('position', $position)
    $w.WriteAttributeString('aliases', $(if ($m.Contains('Aliases') -and $m['Aliases']) { $m['Aliases'] } else { 'none' }))
    $w.WriteElementString('maml', 'name', $script:MamlNs, $p.Name)
    $w.WriteStartElement('maml', 'description', $script:MamlNs); ConvertTo-MamlParagraphs $w $p.Text; $w.WriteEndElement()
    if ($m.Contains('Accepted values') -and $m['Accepted values']) {
        $w.WriteStartElement('command', 'parameterValueGroup', $script:CommandNs)
        foreach ($v in $m['Accepted values'] -split ',\s*') {
            $w.WriteStartElement('command', 'parameterValue', $script:CommandNs)
            $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('variableLength', 'false')
            $w.WriteString($v); $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if ($type -ne 'SwitchParameter') {
        $w.WriteStartElement('command', 'parameterValue', $script:CommandNs)
        $w.WriteAttributeString('required', 'true'); $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($type); $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $script:DevNs); $w.WriteElementString('maml', 'name', $script:MamlNs, $type); $w.WriteElementString('maml', 'uri', $script:MamlNs, ''); $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $script:DevNs, $(if ($m.Contains('Default value') -and $m['Default value']) { $m['Default value'] } else { 'None' }))
    $w.WriteEndElement()
}

function ConvertTo-Maml {
    <#
    .SYNOPSIS
    Writes parsed help pages (ConvertFrom-HelpMarkdown) as one MAML file.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)] $Help,
        [Parameter(Mandatory)][string] $Path
    )
    begin { $all = [System.Collections.Generic.List[object]]::new() }
    process { $all.Add($Help) }
    end {
        $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
        $tmp = "$Path.tmp"
        $w = [System.Xml.XmlWriter]::Create($tmp, $settings)
        try {
            $w.WriteStartDocument()
            $w.WriteStartElement('helpItems', 'http://msh')
            $w.WriteAttributeString('schema', 'maml')
            $w.WriteAttributeString('xmlns', 'maml', $null, 'http://schemas.microsoft.com/maml/2004/10')
            $w.WriteAttributeString('xmlns', 'command', $null, 'http://schemas.microsoft.com/maml/dev/command/2004/10')
            $w.WriteAttributeString('xmlns', 'dev', $null, 'http://schemas.microsoft.com/maml/dev/2004/10')
            foreach ($h in $all) {
                $verb, $noun = $h.Name -split '-', 2
                $w.WriteStartElement('command', 'command', $script:CommandNs)
                $w.WriteStartElement('command', 'details', $script:CommandNs)
                $w.WriteElementString('command', 'name', $script:CommandNs, $h.Name)
                $w.WriteElementString('command', 'verb', $script:CommandNs, $verb)
                $w.WriteElementString('command', 'noun', $script:CommandNs, $noun)
                $w.WriteStartElement('maml', 'description', $script:MamlNs); ConvertTo-MamlParagraphs $w $h.Synopsis; $w.WriteEndElement()
                $w.WriteEndElement()
                $w.WriteStartElement('maml', 'description', $script:MamlNs); ConvertTo-MamlParagraphs $w $h.Description; $w.WriteEndElement()

                # syntax: one item per parameter set named in the parameters' yaml
                $sets = @($h.Parameters | ForEach-Object { if ($_.Meta.Contains('Parameter Sets')) { $_.Meta['Parameter Sets'] -split ',\s*' } } | Where-Object { $_ -and $_ -ne '(All)' } | Select-Object -Unique)
                if ($sets.Count -eq 0) { $sets = @('(All)') }
                $w.WriteStartElement('command', 'syntax', $script:CommandNs)
                foreach ($set in $sets) {
                    $w.WriteStartElement('command', 'syntaxItem', $script:CommandNs)
                    $w.WriteElementString('maml', 'name', $script:MamlNs, $h.Name)
                    foreach ($p in $h.Parameters) {
                        $ps = if ($p.Meta.Contains('Parameter Sets')) { $p.Meta['Parameter Sets'] -split ',\s*' } else { @('(All)') }
                        if ($ps -contains '(All)' -or $ps -contains $set) {
                            $pos = if ($p.Meta.Contains('Position')) { $p.Meta['Position'] } else { 'named' }
                            Write-MamlParameter $w $p $pos.ToLowerInvariant()
                        }
                    }
                    $w.WriteEndElement()
                }
                $w.WriteEndElement()

                $w.WriteStartElement('command', 'parameters', $script:CommandNs)
                foreach ($p in $h.Parameters) {
                    $pos = if ($p.Meta.Contains('Position')) { $p.Meta['Position'] } else { 'named' }
                    Write-MamlParameter $w $p $pos.ToLowerInvariant()
                }
                $w.WriteEndElement()

                foreach ($pair in @(@('inputTypes', 'inputType', $h.Inputs), @('returnValues', 'returnValue', $h.Outputs))) {
                    $w.WriteStartElement('command', $pair[0], $script:CommandNs)
                    foreach ($t in $pair[2]) {
                        $w.WriteStartElement('command', $pair[1], $script:CommandNs)
                        $w.WriteStartElement('dev', 'type', $script:DevNs); $w.WriteElementString('maml', 'name', $script:MamlNs, $t.Type); $w.WriteEndElement()
                        $w.WriteStartElement('maml', 'description', $script:MamlNs); ConvertTo-MamlParagraphs $w $t.Text; $w.WriteEndElement()
                        $w.WriteEndElement()
                    }
                    $w.WriteEndElement()
                }
                if ($h.Notes) {
                    $w.WriteStartElement('maml', 'alertSet', $script:MamlNs); $w.WriteStartElement('maml', 'alert', $script:MamlNs)
                    ConvertTo-MamlParagraphs $w $h.Notes
                    $w.WriteEndElement(); $w.WriteEndElement()
                }
                $w.WriteStartElement('command', 'examples', $script:CommandNs)
                foreach ($e in $h.Examples) {
                    $w.WriteStartElement('command', 'example', $script:CommandNs)
                    $w.WriteElementString('maml', 'title', $script:MamlNs, "-------------------------- $($e.Title) --------------------------")
                    $w.WriteElementString('dev', 'code', $script:DevNs, $e.Code)
                    $w.WriteStartElement('dev', 'remarks', $script:DevNs); ConvertTo-MamlParagraphs $w $e.Text; $w.WriteEndElement()
                    $w.WriteEndElement()
                }
                $w.WriteEndElement()
                $w.WriteStartElement('command', 'relatedLinks', $script:CommandNs)
                foreach ($l in $h.Links) {
                    $w.WriteStartElement('maml', 'navigationLink', $script:MamlNs)
                    $w.WriteElementString('maml', 'linkText', $script:MamlNs, $l.Text)
                    $w.WriteElementString('maml', 'uri', $script:MamlNs, $(if ($l.Uri -match '^https?://') { $l.Uri } else { '' }))
                    $w.WriteEndElement()
                }
                $w.WriteEndElement()
                $w.WriteEndElement() # command
            }
            $w.WriteEndElement()
            $w.WriteEndDocument()
        }
        finally { $w.Dispose() }
        Move-Item -LiteralPath $tmp -Destination $Path -Force
    }
}

function Test-HelpCoverage {
    <#
    .SYNOPSIS
    Compares parsed help pages with the cmdlets a module exports; returns one problem string per missing page,
    parameter, synopsis, description or example (fewer than two) and per documented parameter that does not exist.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][object[]] $Help,
        # cmdlet name -> parameter names (common parameters excluded)
        [Parameter(Mandatory)][hashtable] $Cmdlets
    )
    foreach ($name in $Cmdlets.Keys | Sort-Object) {
        $h = $Help | Where-Object Name -eq $name
        if (-not $h) { "$name has no help page (docs/en-US/$name.md)"; continue }
        if (-not $h.Synopsis) { "$name has no SYNOPSIS" }
        if (-not $h.Description) { "$name has no DESCRIPTION" }
        if ($h.Examples.Count -lt 2) { "$name has $($h.Examples.Count) example(s); at least two are needed" }
        foreach ($e in $h.Examples) { if (-not $e.Code) { "$name example '$($e.Title)' has no code block" } }
        if ($h.Outputs.Count -eq 0) { "$name has no OUTPUTS" }
        $documented = @($h.Parameters | ForEach-Object Name)
        foreach ($p in $Cmdlets[$name]) {
            if ($documented -notcontains $p) { "$name parameter -$p has no help" }
            else {
                $doc = $h.Parameters | Where-Object Name -eq $p
                if (-not $doc.Text) { "$name parameter -$p has no description" }
                foreach ($key in 'Type', 'Required', 'Position', 'Default value', 'Accept pipeline input') {
                    if (-not $doc.Meta.Contains($key)) { "$name parameter -$p lacks '$key' in its yaml block" }
                }
            }
        }
        foreach ($p in $documented) { if (@($Cmdlets[$name]) -notcontains $p) { "$name documents -$p, which the cmdlet does not have" } }
    }
}

Export-ModuleMember -Function ConvertFrom-HelpMarkdown, ConvertTo-Maml, Test-HelpCoverage
